"""A real, local Elasticsearch (one node, or a small cluster) for tests and Docker-less machines.

Uses Elasticsearch's minimal distribution from Maven Central (fetched with `mvn`, cached in
~/.m2), a Java 21+ runtime found on the machine, and, when running as root, an unprivileged
system user (Elasticsearch refuses to run as root). By default security is off and it listens
on loopback only: this is a development server, never a production one.

With `security=Security(...)` it runs secured instead (the tests' secured fixture): HTTP TLS from
a CA made by `bin/elasticsearch-certutil` in its own config folder, file-realm users (made with
`bin/elasticsearch-users`, whose command line carries their throwaway passwords) and file-based
roles (`config/roles.yml`).

`LocalCluster(nodes=N)` starts N such processes that form one cluster: each has its own HTTP
and transport ports, data and log folders, and they find each other through
`discovery.seed_hosts` (every node's transport address) and bootstrap with
`cluster.initial_master_nodes` (every node's name).
"""

from __future__ import annotations

import base64
import contextlib
import json
import logging
import os
import pwd
import re
import shutil
import signal
import socket
import ssl
import subprocess
import tempfile
import time
import urllib.request
import uuid
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

log = logging.getLogger(__name__)

ES_VERSION = "9.2.8"  # the default of Settings.local_es_version
MAVEN_GROUP = "org.elasticsearch.distribution.integ-test-zip"
ES_USER = "newsindex-es"
_JAVA_MIN = 21


class LocalEsError(RuntimeError):
    """The local Elasticsearch could not be provisioned or started."""


def cache_dir(override: Path | None = None) -> Path:
    """Where the unpacked distribution and instance folders live (readable by ES_USER):
    `override` (Settings.cache_dir) when given."""
    if override is not None:
        return override
    if os.geteuid() == 0:  # /root is private: use a folder the unprivileged user can enter
        return Path("/var/cache/newsindex")
    return Path.home() / ".cache" / "newsindex"


def _maven_zip(version: str) -> Path:
    group_path = MAVEN_GROUP.replace(".", "/")
    m2 = Path(os.environ.get("MAVEN_REPO", Path.home() / ".m2" / "repository"))
    return m2 / group_path / "elasticsearch" / version / f"elasticsearch-{version}.zip"


def fetch_distribution(version: str = ES_VERSION, cache: Path | None = None) -> Path:
    """Download (once, through Maven's cache) and unpack the distribution; return its home."""
    home = cache_dir(cache) / f"elasticsearch-{version}"
    if (home / "bin" / "elasticsearch").exists():
        return home
    archive = _maven_zip(version)
    if not archive.exists():
        if shutil.which("mvn") is None:
            raise LocalEsError("fetching Elasticsearch needs Maven: apt-get install maven")
        log.info("fetching Elasticsearch %s from Maven Central", version)
        artifact = f"{MAVEN_GROUP}:elasticsearch:{version}:zip"
        result = subprocess.run(
            ["mvn", "-q", "-B", "dependency:get", f"-Dartifact={artifact}", "-Dtransitive=false"],
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0 or not archive.exists():
            raise LocalEsError(f"mvn could not fetch {artifact}:\n{result.stdout[-2000:]}")
    home.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(dir=home.parent, prefix=".unpack-"))
    _unzip_keeping_modes(archive, staging)
    unpacked = staging / f"elasticsearch-{version}"
    with contextlib.suppress(OSError):  # another process won the race
        unpacked.rename(home)
    shutil.rmtree(staging, ignore_errors=True)
    _make_readable(home.parent)
    return home


def _unzip_keeping_modes(archive: Path, dest: Path) -> None:
    """Unzip, restoring Unix permissions (zipfile alone drops the executable bits)."""
    with zipfile.ZipFile(archive) as zf:
        for info in zf.infolist():
            target = Path(zf.extract(info, dest))
            mode = (info.external_attr >> 16) & 0o777
            if mode:
                target.chmod(mode)


def _make_readable(path: Path) -> None:
    for root, dirs, files in os.walk(path):
        for name in dirs:
            p = Path(root, name)
            p.chmod(p.stat().st_mode | 0o755)
        for name in files:
            p = Path(root, name)
            p.chmod(p.stat().st_mode | 0o444)
    path.chmod(path.stat().st_mode | 0o755)


def _java_major(java_home: Path) -> int | None:
    release = java_home / "release"
    if not release.exists():
        return None
    text = release.read_text(errors="replace")
    match = re.search(r'^JAVA_VERSION="(\d+)', text, re.MULTILINE)
    modules = re.search(r'^MODULES="([^"]*)"', text, re.MULTILINE)
    if not match or (modules and "jdk.incubator.vector" not in modules.group(1)):
        return None  # Elasticsearch loads jdk.incubator.vector: trimmed runtimes do not work
    return int(match.group(1))


def find_java() -> Path:
    """A Java 21+ home: ES_JAVA_HOME, JAVA_HOME, or the newest JDK under /usr/lib/jvm."""
    candidates = [os.environ.get("ES_JAVA_HOME"), os.environ.get("JAVA_HOME")]
    jvm = Path("/usr/lib/jvm")
    if jvm.is_dir():
        candidates += [str(p) for p in sorted(jvm.iterdir(), reverse=True) if not p.is_symlink()]
    found = [
        (major, Path(c))
        for c in candidates
        if c and (major := _java_major(Path(c))) is not None and major >= _JAVA_MIN
    ]
    if not found:
        raise LocalEsError(
            f"Elasticsearch needs a full Java {_JAVA_MIN}+ JDK; set ES_JAVA_HOME to one "
            "(looked in ES_JAVA_HOME, JAVA_HOME and /usr/lib/jvm)"
        )
    return max(found, key=lambda item: item[0])[1]


def free_port() -> int:
    """A free TCP port on loopback."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _ensure_user() -> pwd.struct_passwd:
    try:
        return pwd.getpwnam(ES_USER)
    except KeyError:
        subprocess.run(
            ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", ES_USER],
            check=True,
            capture_output=True,
        )
        return pwd.getpwnam(ES_USER)


def http_get_json(
    url: str,
    timeout: float = 2.0,
    context: ssl.SSLContext | None = None,
    headers: dict[str, str] | None = None,
) -> dict:
    """GET a JSON document (stdlib only, so it works before any client is configured)."""
    request = urllib.request.Request(url, headers=headers or {})
    with urllib.request.urlopen(request, timeout=timeout, context=context) as response:
        return json.loads(response.read())


@dataclass(frozen=True)
class FileUser:
    """A file-realm user (`bin/elasticsearch-users useradd`)."""

    name: str
    password: str = field(repr=False)
    roles: tuple[str, ...]


@dataclass(frozen=True)
class Security:
    """Run secured: HTTP TLS, file-realm `admin` (used to wait for green) and `users`, and
    file-based `roles` (role name -> body in the role API's JSON shape)."""

    admin: FileUser
    users: tuple[FileUser, ...] = ()
    roles: dict[str, dict] = field(default_factory=dict)


@dataclass
class LocalElasticsearch:
    """One Elasticsearch process on loopback: a single-node cluster unless `seed_hosts` is set."""

    port: int = 0
    heap: str = "512m"
    version: str = ES_VERSION
    cache: Path | None = None  # Settings.cache_dir; None: the default of `cache_dir`
    instance_dir: Path | None = None
    process: subprocess.Popen[bytes] | None = None
    extra_settings: dict[str, str] = field(default_factory=dict)  # more `-E key=value`
    security: Security | None = None
    node_name: str | None = None
    transport_port: int = 0  # 0: any free port (single node only: others must know it)
    seed_hosts: tuple[str, ...] = ()  # transport addresses of the cluster's nodes
    initial_masters: tuple[str, ...] = ()  # node names that bootstrap a new cluster
    cluster_name: str | None = None
    expected_nodes: int = 1  # start() waits until the cluster has this many nodes

    @property
    def url(self) -> str:
        return f"{'https' if self.security else 'http'}://127.0.0.1:{self.port}"

    @property
    def ca_cert(self) -> Path:
        """The PEM CA that signed the HTTP certificate (secured mode only)."""
        if self.instance_dir is None or self.security is None:
            raise LocalEsError("no CA: the server is not secured or not started")
        return self.instance_dir / "config" / "certs" / "ca" / "ca.crt"

    def start(self, timeout: float = 240.0, detach: bool = False) -> str:
        """Start the server and wait for green; returns the server version.

        After `kill()` the instance folder is still there: starting again reuses its data.
        """
        java = self.launch()
        version = self.wait_green(timeout)
        log.info("local Elasticsearch %s up at %s (java %s)", version, self.url, java)
        if detach and self.process is not None:
            state = {"pid": self.process.pid, "url": self.url, "dir": str(self.instance_dir)}
            (cache_dir(self.cache) / "local-es.json").write_text(json.dumps(state))
        return version

    def _discovery_settings(self) -> dict[str, str]:
        if not self.seed_hosts:
            return {"discovery.type": "single-node", "transport.port": str(self.transport_port)}
        settings = {
            "transport.port": str(self.transport_port),
            "discovery.seed_hosts": ",".join(self.seed_hosts),
            "cluster.initial_master_nodes": ",".join(self.initial_masters),
        }
        if self.cluster_name:
            settings["cluster.name"] = self.cluster_name
        return settings

    def launch(self) -> Path:
        """Start the process without waiting for it to answer; returns the Java home used."""
        home = fetch_distribution(self.version, self.cache)
        java = find_java()
        self.port = self.port or free_port()
        instances = cache_dir(self.cache) / "instances"
        instances.mkdir(parents=True, exist_ok=True)
        instances.chmod(0o755)
        if self.instance_dir is None or not self.instance_dir.is_dir():
            self.instance_dir = Path(tempfile.mkdtemp(dir=instances, prefix=f"{self.port}-"))
        config = self.instance_dir / "config"
        if not config.is_dir():
            shutil.copytree(home / "config", config)
        for sub in ("data", "logs"):
            (self.instance_dir / sub).mkdir(exist_ok=True)
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "ES_JAVA_HOME": str(java),
            "ES_PATH_CONF": str(config),
            "ES_JAVA_OPTS": f"-Xms{self.heap} -Xmx{self.heap}",
        }
        security_settings = {"xpack.security.enabled": "false"}
        if self.security is not None:
            security_settings = _secure_config(home, config, self.security, env)
        command = [
            str(home / "bin" / "elasticsearch"),
            "-E", "network.host=127.0.0.1",
            "-E", f"http.port={self.port}",
            "-E", f"path.data={self.instance_dir / 'data'}",
            "-E", f"path.logs={self.instance_dir / 'logs'}",
            "-E", "cluster.routing.allocation.disk.threshold_enabled=false",
        ]  # fmt: skip
        if self.node_name:
            command += ["-E", f"node.name={self.node_name}"]
        settings = {**self._discovery_settings(), **security_settings, **self.extra_settings}
        for key, value in settings.items():
            command += ["-E", f"{key}={value}"]
        if os.geteuid() == 0:
            user = _ensure_user()
            _chown_tree(self.instance_dir, user.pw_uid, user.pw_gid)
            self.instance_dir.chmod(0o755)
            command = [
                "setpriv", f"--reuid={user.pw_uid}", f"--regid={user.pw_gid}", "--clear-groups",
                *command,
            ]  # fmt: skip
        log_file = (self.instance_dir / "stdout.log").open("ab")
        self.process = subprocess.Popen(
            command,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            env=env,
            cwd=self.instance_dir,
            start_new_session=True,
        )
        return java

    def wait_green(self, timeout: float) -> str:
        """Wait until the cluster is green with `expected_nodes` nodes; returns this node's
        version. Stops the server and raises LocalEsError when it exits or times out."""
        context, headers = None, {}
        if self.security is not None:
            context = ssl.create_default_context(cafile=str(self.ca_cert))
            admin = self.security.admin
            token = base64.b64encode(f"{admin.name}:{admin.password}".encode()).decode()
            headers = {"Authorization": f"Basic {token}"}
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                tail = self._log_tail()
                self.stop()
                raise LocalEsError(f"Elasticsearch exited early:\n{tail}")
            try:
                health = http_get_json(
                    f"{self.url}/_cluster/health?wait_for_status=green"
                    f"&wait_for_nodes={self.expected_nodes}&timeout=1s",
                    context=context,
                    headers=headers,
                )
                if health.get("status") == "green" and not health.get("timed_out"):
                    nodes = http_get_json(
                        f"{self.url}/_nodes/_local?filter_path=nodes.*.version",
                        context=context,
                        headers=headers,
                    )
                    return next(iter(nodes["nodes"].values()))["version"]
            except OSError:
                pass
            time.sleep(0.5)
        tail = self._log_tail()
        self.stop()
        raise LocalEsError(f"Elasticsearch did not turn green in {timeout:.0f}s:\n{tail}")

    def _log_tail(self) -> str:
        if self.instance_dir is None:
            return ""
        path = self.instance_dir / "stdout.log"
        lines = path.read_text(errors="replace").splitlines() if path.exists() else []
        kept = [line for line in lines if not line.startswith("\tat ")]
        return "\n".join(kept[-40:])

    def kill(self) -> None:
        """SIGKILL the server (a crash, for fault tests); its data folder is kept for `start()`."""
        if self.process is not None and self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=60)

    def stop(self) -> None:
        """Stop the server and delete its data."""
        if self.process is not None and self.process.poll() is None:
            stop_process_group(self.process.pid)
            self.process.wait(timeout=60)
        if self.instance_dir is not None:
            shutil.rmtree(self.instance_dir, ignore_errors=True)


@dataclass
class LocalCluster:
    """`nodes` Elasticsearch processes on loopback forming one cluster (security off).

    Every node is master-eligible and holds data. With two nodes the voting configuration
    holds only one of them (Elasticsearch keeps it odd-sized): the cluster survives the loss
    of the other node only, see `elected_master()`.
    """

    nodes: int = 2
    heap: str = "384m"
    version: str = ES_VERSION
    members: list[LocalElasticsearch] = field(default_factory=list)

    def start(self, timeout: float = 300.0) -> str:
        """Start every node, wait for a green cluster of all of them; returns the version."""
        name = f"newsindex-{uuid.uuid4().hex[:8]}"
        transport = [free_port() for _ in range(self.nodes)]
        names = tuple(f"{name}-{n}" for n in range(self.nodes))
        seeds = tuple(f"127.0.0.1:{port}" for port in transport)
        self.members = [
            LocalElasticsearch(
                heap=self.heap,
                version=self.version,
                node_name=names[n],
                transport_port=transport[n],
                seed_hosts=seeds,
                initial_masters=names,
                cluster_name=name,
                expected_nodes=self.nodes,
            )
            for n in range(self.nodes)
        ]
        try:
            for member in self.members:
                member.launch()
            versions = [member.wait_green(timeout) for member in self.members]
        except BaseException:
            self.stop()
            raise
        log.info("local Elasticsearch cluster %s: %d nodes", name, self.nodes)
        return versions[0]

    def elected_master(self) -> LocalElasticsearch:
        """The node currently elected master."""
        url = self.members[0].url
        master_id = http_get_json(f"{url}/_cluster/state/master_node")["master_node"]
        nodes = http_get_json(f"{url}/_nodes/{master_id}/settings?filter_path=nodes.*.name")
        master_name = next(iter(nodes["nodes"].values()))["name"]
        return next(m for m in self.members if m.node_name == master_name)

    def stop(self) -> None:
        """Stop every node and delete its data."""
        for member in self.members:
            member.stop()


def stop_process_group(pid: int, grace: float = 30.0) -> None:
    """SIGTERM a process group, SIGKILL it after `grace` seconds."""
    try:
        os.killpg(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline:
        try:
            os.killpg(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.2)
    os.killpg(pid, signal.SIGKILL)


def stop_detached(cache: Path | None = None) -> bool:
    """Stop a server started with `newsindex local-es start`; False when none was running."""
    state_file = cache_dir(cache) / "local-es.json"
    if not state_file.exists():
        return False
    state = json.loads(state_file.read_text())
    stop_process_group(int(state["pid"]))
    shutil.rmtree(state["dir"], ignore_errors=True)
    state_file.unlink()
    return True


def _chown_tree(path: Path, uid: int, gid: int) -> None:
    for root, dirs, files in os.walk(path):
        for name in dirs + files:
            os.chown(Path(root, name), uid, gid)
    os.chown(path, uid, gid)


def _tool(home: Path, name: str, args: list[str], env: dict[str, str]) -> None:
    """Run one of the distribution's CLI tools; its output never holds the passwords given."""
    result = subprocess.run(
        [str(home / "bin" / name), *args], env=env, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise LocalEsError(f"{name} {args[0]} failed (exit {result.returncode})")


def _secure_config(
    home: Path, config: Path, security: Security, env: dict[str, str]
) -> dict[str, str]:
    """Make the CA and node certificate (PEM), roles.yml and file-realm users; return settings."""
    certs = config / "certs"
    if not (certs / "node" / "node.crt").exists():
        certs.mkdir(exist_ok=True)
        ca_args = ["ca", "--pem", "--silent", "--out", str(certs / "ca.zip")]
        _tool(home, "elasticsearch-certutil", ca_args, env)
        with zipfile.ZipFile(certs / "ca.zip") as zf:
            zf.extractall(certs)
        _tool(
            home,
            "elasticsearch-certutil",
            [
                "cert", "--pem", "--silent", "--name", "node", "--ip", "127.0.0.1",
                "--dns", "localhost", "--ca-cert", str(certs / "ca" / "ca.crt"),
                "--ca-key", str(certs / "ca" / "ca.key"), "--out", str(certs / "node.zip"),
            ],
            env,
        )  # fmt: skip
        with zipfile.ZipFile(certs / "node.zip") as zf:
            zf.extractall(certs)
    # YAML is a superset of JSON: each role is written in the role API's own JSON shape.
    roles = [f"{json.dumps(name)}: {json.dumps(body)}\n" for name, body in security.roles.items()]
    (config / "roles.yml").write_text("".join(roles))
    for name in ("users", "users_roles"):  # start from no users, also when restarted
        (config / name).write_text("")
    for user in (security.admin, *security.users):
        args = ["useradd", user.name, "-p", user.password, "-r", ",".join(user.roles)]
        _tool(home, "elasticsearch-users", args, env)
    return {
        "xpack.security.enabled": "true",
        "xpack.security.http.ssl.enabled": "true",
        "xpack.security.http.ssl.key": str(certs / "node" / "node.key"),
        "xpack.security.http.ssl.certificate": str(certs / "node" / "node.crt"),
        "xpack.security.http.ssl.certificate_authorities": str(certs / "ca" / "ca.crt"),
        "xpack.security.transport.ssl.enabled": "false",
    }
