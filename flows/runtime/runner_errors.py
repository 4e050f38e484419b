"""The error of a task runner that failed as a whole (importable without Prefect, for the CLI)."""


class TaskRunnerError(RuntimeError):
    """The task runner itself failed (scheduler unreachable, workers lost), not a file."""
