"""The set-up of a fresh machine (issue 15): tools/setup.sh, sourced by the
README's two commands, prepares a virtual environment with Odoo 18.0 fetched
from a git repository, the Python packages and PostgreSQL, once; a second run
prepares nothing; tools/run.sh then serves, survives Odoo's own restart
(SIGHUP re-executes the server's command line) and stops cleanly.

The repository under test is a throw-away clone of HEAD; the "official" Odoo
repository is a local git repository made from the Odoo tree this test runs
with, fetched through file:// as the real fetch reads https://.  pip may use
its cache.  Plain pytest: no database of the suite is needed (run.sh creates
and this test drops its own scratch database).

The Docker files cannot be run here (no Docker engine): they are parsed and
checked for what they must hold.
"""

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SECOND_RUN_LIMIT = 10.0  # seconds
SERVE_TIMEOUT = 1200  # seconds: install of property_tenant and start


def _odoo_root():
    import odoo

    return Path(odoo.__file__).resolve().parent.parent


def _run(cmd, cwd, env=None, timeout=1800, check=True):
    proc = subprocess.run(
        cmd,
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=timeout,
        check=False,
    )
    if check and proc.returncode:
        raise AssertionError(
            f"{cmd} failed ({proc.returncode}):\n{proc.stdout[-6000:]}"
        )
    return proc


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _status(url):
    try:
        with urllib.request.urlopen(url, timeout=10) as resp:
            return resp.status
    except urllib.error.HTTPError as exc:
        return exc.code
    except OSError:
        return None


def _wait_for(predicate, timeout, proc=None, log=None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        if proc is not None and proc.poll() is not None:
            tail = log.read_text(errors="replace")[-6000:] if log else ""
            raise AssertionError(f"the server exited ({proc.returncode}):\n{tail}")
        time.sleep(2)
    return False


def _odoo_repository(tmp):
    """(url, commit) of the Odoo the fresh machine fetches: a local git
    repository made from the Odoo source tree this test runs with; where
    that Odoo is not a source tree (the Docker image's .deb), the real
    source pinned in config/odoo.lock."""
    root = _odoo_root()
    if not (root / "odoo-bin").is_file() or not (root / "requirements.txt").is_file():
        lock = dict(
            line.split("=", 1)
            for line in (REPO / "config" / "odoo.lock").read_text().splitlines()
            if re.match(r"^[A-Z_]+=", line)
        )
        return lock["ODOO_GIT_URL"], lock["ODOO_COMMIT"]
    odoo_git = tmp / "odoo.git"
    git = [
        "git",
        f"--git-dir={odoo_git}",
        f"--work-tree={root}",
        "-c",
        "user.name=setup test",
        "-c",
        "user.email=setup@test.invalid",
    ]
    _run(["git", "init", "--quiet", "--bare", str(odoo_git)], tmp)
    # no compression, no delta search: the copy is local, CPU is not
    for key, value in (
        ("core.compression", "0"),
        ("core.looseCompression", "0"),
        ("pack.window", "0"),
    ):
        _run(["git", f"--git-dir={odoo_git}", "config", key, value], tmp)
    _run([*git, "add", "--all"], tmp)
    _run([*git, "commit", "--quiet", "-m", "Odoo 18.0 of this machine"], tmp)
    commit = _run(["git", f"--git-dir={odoo_git}", "rev-parse", "HEAD"], tmp)
    return f"file://{odoo_git}", commit.stdout.strip()


@pytest.fixture(scope="module")
def world():
    """A clone of HEAD, a local "official" Odoo repository, and the
    environment of a user who asks for a venv (PROPERTY_VENV=1)."""
    tmp = Path(tempfile.mkdtemp(prefix="property-setup-test-"))
    timings = {}
    try:
        clone = tmp / "repo"
        # safe.directory: the repository may belong to another user (the
        # Docker test service mounts the host's checkout)
        clone_cmd = ["git", "-c", "safe.directory=*", "clone", "--quiet"]
        _run([*clone_cmd, "--no-hardlinks", str(REPO), str(clone)], tmp)
        start = time.monotonic()
        url, commit = _odoo_repository(tmp)
        timings["odoo git repository"] = time.monotonic() - start
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("PROPERTY_", "ODOO_")) and k != "VIRTUAL_ENV"
        }
        env.update(
            PROPERTY_VENV="1",
            ODOO_GIT_URL=url,
            ODOO_COMMIT=commit,
            PIP_NO_INPUT="1",
        )
        yield {
            "tmp": tmp,
            "clone": clone,
            "env": env,
            "commit": commit,
            "timings": timings,
        }
    finally:
        print("set-up test timings (s):", {k: round(v) for k, v in timings.items()})
        shutil.rmtree(tmp, ignore_errors=True)


@pytest.fixture(scope="module")
def prepared(world):
    """tools/setup.sh run once in the clone: everything is prepared."""
    start = time.monotonic()
    proc = _run(["bash", "tools/setup.sh"], world["clone"], env=world["env"])
    world["timings"]["first set-up"] = time.monotonic() - start
    world["first_output"] = proc.stdout
    return world


def test_first_run_prepares_odoo_in_a_venv(prepared):
    clone = prepared["clone"]
    out = prepared["first_output"]
    for step in ("Odoo fetched", "venv created", "Python packages installed"):
        assert step in out, out[-4000:]
    python = clone / ".state" / "venv" / "bin" / "python"
    probe = _run(
        [
            str(python),
            "-c",
            "import importlib.util, odoo, odoo.release as r; "
            "print(r.serie); print(odoo.__file__); "
            "print(bool(importlib.util.find_spec('odoo.addons.queue_job')))",
        ],
        prepared["tmp"],
    ).stdout.split()
    assert probe[0] == "18.0"
    assert (
        Path(probe[1]).resolve().is_relative_to((clone / ".state" / "odoo").resolve())
    )
    assert probe[2] == "True", "queue_job is found under odoo.addons"
    # the fetched tree is the pinned commit, and git ignores the state folder
    head = _run(
        ["git", "-C", str(clone / ".state" / "odoo"), "rev-parse", "HEAD"], clone
    ).stdout.strip()
    assert head == prepared["commit"]
    assert not _run(["git", "status", "--porcelain"], clone).stdout.strip()


def test_second_run_prepares_nothing(prepared):
    start = time.monotonic()
    proc = _run(["bash", "tools/setup.sh"], prepared["clone"], env=prepared["env"])
    elapsed = time.monotonic() - start
    prepared["timings"]["second set-up"] = elapsed
    assert "nothing to do" in proc.stdout, proc.stdout
    assert "pip" not in proc.stdout and "fetching" not in proc.stdout
    assert elapsed < SECOND_RUN_LIMIT, f"second run took {elapsed:.1f}s"
    # a later run that names no Odoo source keeps the one chosen before
    env = {k: v for k, v in prepared["env"].items() if not k.startswith("ODOO_")}
    proc = _run(["bash", "tools/setup.sh"], prepared["clone"], env=env)
    assert "nothing to do" in proc.stdout, proc.stdout


def test_a_missing_odoo_says_what_to_do(prepared):
    env = dict(
        prepared["env"],
        ODOO_GIT_URL=f"file://{prepared['tmp']}/no-such-odoo.git",
        PROPERTY_STATE_DIR=str(prepared["tmp"] / "state-unreachable"),
    )
    proc = _run(["bash", "tools/setup.sh"], prepared["clone"], env=env, check=False)
    assert proc.returncode != 0
    assert "set ODOO_SRC to an Odoo 18.0 source tree or tarball" in proc.stdout


def _fake_odoo_tarball(folder, version_info):
    """A .tar.gz of a minimal tree that looks like Odoo's source to set-up:
    one top folder, as Odoo's nightly source archives have."""
    top = folder / "odoo-18.0.post20261201"
    (top / "odoo" / "addons").mkdir(parents=True)
    (top / "odoo" / "__init__.py").write_text("")
    (top / "odoo" / "addons" / "__init__.py").write_text(
        "import pkgutil\n__path__ = pkgutil.extend_path(__path__, __name__)\n"
    )
    (top / "odoo" / "release.py").write_text(
        f"version_info = {version_info}\n"
        f"serie = '{version_info[0]}.{version_info[1]}'\n"
    )
    (top / "odoo-bin").write_text("")
    (top / "requirements.txt").write_text("# nothing\n")
    tarball = folder / "odoo.tar.gz"
    _run(["tar", "-czf", str(tarball), "-C", str(folder), top.name], folder)
    return tarball


def test_odoo_from_a_tarball(world):
    """ODOO_SRC names a tarball: it is extracted into the state folder (its
    top folder stripped) and the venv imports that Odoo; a tree of another
    version is refused with what to do."""
    folder = world["tmp"] / "tarball"
    folder.mkdir()
    env = {k: v for k, v in world["env"].items() if not k.startswith("ODOO_")}
    env["PROPERTY_STATE_DIR"] = str(folder / "state")
    env["ODOO_SRC"] = str(_fake_odoo_tarball(folder / "v17", (17, 0, 0, "final", 0)))
    proc = _run(["bash", "tools/setup.sh"], world["clone"], env=env, check=False)
    assert proc.returncode != 0
    assert "is not Odoo 18.0" in proc.stdout, proc.stdout[-3000:]

    env["ODOO_SRC"] = str(_fake_odoo_tarball(folder / "v18", (18, 0, 0, "final", 0)))
    proc = _run(["bash", "tools/setup.sh"], world["clone"], env=env)
    assert "Odoo extracted from" in proc.stdout, proc.stdout[-3000:]
    python = folder / "state" / "venv" / "bin" / "python"
    probe = _run(
        [str(python), "-c", "import odoo; print(odoo.__file__)"], folder
    ).stdout.strip()
    assert Path(probe).parent.parent == folder / "state" / "odoo"
    proc = _run(["bash", "tools/setup.sh"], world["clone"], env=env)
    assert "nothing to do" in proc.stdout, proc.stdout[-3000:]


def test_run_serves_survives_a_restart_and_stops(prepared):
    clone = prepared["clone"]
    db = f"property_setup_test_{os.getpid()}"
    port, gevent_port = _free_port(), _free_port()
    env = dict(prepared["env"], PROPERTY_DB=db, PROPERTY_MODULES="property_tenant")
    log = prepared["tmp"] / "run.log"
    url = f"http://127.0.0.1:{port}/web/login"
    start = time.monotonic()
    with log.open("w") as out:
        proc = subprocess.Popen(
            [
                "bash",
                "tools/run.sh",
                f"--http-port={port}",
                f"--gevent-port={gevent_port}",
                "--log-level=info",
            ],
            cwd=clone,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        assert _wait_for(lambda: _status(url) == 200, SERVE_TIMEOUT, proc, log), (
            log.read_text(errors="replace")[-6000:]
        )
        prepared["timings"]["run.sh install and serve"] = time.monotonic() - start
        assert "creating database" in log.read_text()

        # Odoo's own restart: SIGHUP makes the server re-execute its command
        # line (what a worker past its limits or a module update also do)
        starts = log.read_text().count("Odoo version 18.0")
        os.kill(proc.pid, signal.SIGHUP)
        assert _wait_for(
            lambda: log.read_text().count("Odoo version 18.0") > starts,
            120,
            proc,
            log,
        ), log.read_text(errors="replace")[-6000:]
        assert _wait_for(lambda: _status(url) == 200, 300, proc, log)
        text = log.read_text(errors="replace")
        assert "ImportError" not in text, text[-6000:]

        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=120)
        assert proc.returncode == 0, log.read_text(errors="replace")[-6000:]
        assert "Traceback" not in log.read_text(errors="replace")
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        subprocess.run(
            ["dropdb", "--if-exists", "--force", db],
            env=dict(os.environ, PGOPTIONS="-c client_min_messages=warning"),
            check=False,
        )
        filestore = Path.home() / ".local" / "share" / "Odoo" / "filestore" / db
        shutil.rmtree(filestore, ignore_errors=True)


# --- Docker: parsed here, run where an engine is ------------------------------


def test_dockerfile_is_pinned_and_installs_the_suites_packages():
    from dockerfile_parse import DockerfileParser

    parser = DockerfileParser(path=str(REPO / "Dockerfile"))
    assert re.fullmatch(r"odoo:18\.0@sha256:[0-9a-f]{64}", parser.baseimage)
    instructions = [i["instruction"] for i in parser.structure]
    assert instructions.count("FROM") == 1
    copies = [
        i["value"].split() for i in parser.structure if i["instruction"] == "COPY"
    ]
    sources = {src for value in copies for src in value[:-1]}
    for name in ("requirements.txt", "requirements-test.txt", "requirements-oca.txt"):
        assert name in sources
        assert (REPO / name).is_file()
    run = " ".join(
        " ".join(i["value"].split())
        for i in parser.structure
        if i["instruction"] == "RUN"
    )
    assert "--no-deps -r /opt/property/requirements-oca.txt" in run
    assert "google-chrome" in run
    # the image's user again at the end: Odoo does not run as root
    assert parser.structure[-1]["instruction"] == "USER"
    assert parser.structure[-1]["value"] == "odoo"


def test_the_images_python_packages_resolve(tmp_path):
    """The requirement files the Dockerfile installs exist for the image's
    Python (Ubuntu 24.04: 3.12) on both architectures of the base image."""
    files = ("requirements.txt", "requirements-test.txt", "requirements-oca.txt")
    for platform in ("manylinux2014_x86_64", "manylinux2014_aarch64"):
        cmd = [sys.executable, "-m", "pip", "install", "--dry-run", "--no-deps"]
        cmd += ["--ignore-installed", "--python-version", "3.12"]
        cmd += ["--platform", platform, "--target", str(tmp_path / platform)]
        for name in files:
            cmd += ["-r", str(REPO / name)]
        out = _run(cmd, tmp_path, timeout=600).stdout
        assert "Would install" in out, out[-3000:]
        assert "odoo-addon-queue_job-" in out


def test_compose_profiles_use_the_image_and_their_files():
    import yaml

    compose = yaml.safe_load((REPO / "docker-compose.yml").read_text())
    services = compose["services"]
    for name in ("odoo", "test", "prod-odoo", "prod-jobrunner"):
        assert services[name]["build"] == ".", name
        for volume in services[name]["volumes"]:
            src = volume.split(":")[0]
            if src.startswith("./"):
                assert (REPO / src).exists(), (name, src)
    assert services["test"]["profiles"] == ["test"]
    assert services["test"]["command"] == ["/mnt/extra-addons/.ci/run"]
    prod = {n for n, s in services.items() if s.get("profiles") == ["prod"]}
    assert prod == {"prod-db", "prod-odoo", "prod-jobrunner", "prod-proxy"}
    # one filestore volume for every Odoo container of the profile
    for name in ("prod-odoo", "prod-jobrunner"):
        assert "prod-filestore:/var/lib/odoo" in services[name]["volumes"]
    assert "prod-db-data:/var/lib/postgresql/data" in services["prod-db"]["volumes"]
    runner = " ".join(services["prod-jobrunner"]["command"])
    assert "--load=base,web,queue_job" in runner
    assert services["prod-jobrunner"]["environment"]["ODOO_QUEUE_JOB_HOST"] == (
        "prod-proxy"
    )
    nginx = (REPO / "config" / "nginx.prod.conf").read_text()
    assert re.search(
        r"location /websocket \{\s*proxy_pass http://odoo_websocket;", nginx
    )
    assert "server prod-odoo:8072;" in nginx
    # the containers share the requests by how many each has under way
    assert re.search(r"upstream odoo_http \{[^}]*\bleast_conn;", nginx)
    conf = (REPO / "config" / "odoo.prod.conf").read_text()
    assert re.search(r"^proxy_mode = True$", conf, re.M)
    assert re.search(r"^server_wide_modules = base,web$", conf, re.M)
    # where a compose CLI is installed, it reads every profile too
    cli = None
    if shutil.which("docker-compose"):
        cli = ["docker-compose"]
    elif (
        shutil.which("docker")
        and not _run(["docker", "compose", "version"], REPO, check=False).returncode
    ):
        cli = ["docker", "compose"]
    if cli:
        for profile in ([], ["--profile", "test"], ["--profile", "prod"]):
            _run([*cli, *profile, "config", "--quiet"], REPO)
