"""The benchmark's server section: throughput and a worker's memory under gunicorn.

Each server runs one sync worker pinned to one core (`taskset`); wrk, the load generator, is
pinned to the other, so that neither steals the other's core. Three servers, one at a time, with
the same gunicorn settings (the repository's gunicorn.conf.py when there is one, with one worker
and no recycling, so that a worker's memory can be followed):
- `wagtail start`'s project, generated under var/bench/minimal and migrated on SQLite: the
  reference page;
- Relais with its page cache: the static file reference (whitenoise) and the cached pages;
- Relais with its page cache switched off: the worker's memory, then the uncached pages.
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
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
CONFIG = ROOT / "gunicorn.conf.py"
MINIMAL_NAME = "minimal"


def say(line: str = "") -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


# --- The load generator ------------------------------------------------------------------------


def ensure_wrk() -> str | None:
    """wrk's path, installed from Debian's packages when missing and we are root (as the
    Makefile installs Chromium); None, after saying which package to install, otherwise."""
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() == 0 and shutil.which("apt-get"):
        say("Installation de wrk depuis les paquets Debian…")
        quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
        environment = os.environ | {"DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "-qq", "update"], env=environment, check=False, **quiet)
        subprocess.run(
            ["apt-get", "-qq", "install", "-y", "--no-install-recommends", "wrk"],
            env=environment,
            check=False,
            **quiet,
        )
        found = shutil.which("wrk")
    if not found:
        say("Le débit se mesure avec wrk : lancez 'sudo apt-get install wrk'.")
    return found


def cores() -> tuple[str, str]:
    """The server's core and the load generator's core."""
    available = sorted(os.sched_getaffinity(0))
    if len(available) < 2:
        return str(available[0]), str(available[0])
    return str(available[0]), str(available[1])


@dataclass
class Load:
    wrk: str
    core: str
    connections: int = 4

    def run(self, url: str, *, seconds: float, script: str | None = None) -> dict:
        """Requests/s of wrk against `url`, and how busy wrk's own core was."""
        command = ["taskset", "-c", self.core, self.wrk, "-t1", f"-c{self.connections}"]
        command += [f"-d{max(1, round(seconds))}s", "--timeout", "30s"]
        if script:
            command += ["-s", script]
        process = subprocess.Popen([*command, url], stdout=subprocess.PIPE, text=True)
        output = process.stdout.read()
        _pid, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        return parse_wrk(output) | {"wrk_cpu_s": round(usage.ru_utime + usage.ru_stime, 2)}


def parse_wrk(output: str) -> dict:
    """The figures of wrk's report: requests, seconds, requests/s, failed answers."""
    # wrk writes the duration in its own units: 950.00ms, 5.01s, 1.00m (a minute or more).
    done = re.search(r"(\d+) requests in ([\d.]+)(ms|s|m|h)\b", output)
    rate = re.search(r"Requests/sec:\s+([\d.]+)", output)
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    unit = {"ms": 0.001, "s": 1, "m": 60, "h": 3600}[done.group(3)] if done else 0
    return {
        "requests": int(done.group(1)) if done else 0,
        "seconds": round(float(done.group(2)) * unit, 2) if done else 0,
        "rps": round(float(rate.group(1)), 1) if rate else None,
        "failed": (int(non_2xx.group(1)) if non_2xx else 0)
        + (sum(int(number) for number in errors.groups()) if errors else 0),
    }


def cycle_script(paths: list[str]) -> str:
    """A wrk script asking for `paths` in turn (the caller removes the file)."""
    quoted = ", ".join('"' + path.replace("\\", "\\\\").replace('"', '\\"') + '"' for path in paths)
    with tempfile.NamedTemporaryFile(
        "w", suffix=".lua", prefix="relais-bench-", delete=False, encoding="utf-8"
    ) as handle:
        handle.write(
            f"local paths = {{{quoted}}}\n"
            "local sent = 0\n"
            "request = function()\n"
            "  sent = sent + 1\n"
            "  return wrk.format('GET', paths[(sent - 1) % #paths + 1])\n"
            "end\n"
        )
    return handle.name


# --- gunicorn --------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def get(url: str) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(url, timeout=60) as response:  # noqa: S310 - loopback
            response.read()
            return response.status, dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers)


def _status_file(pid: int) -> dict:
    lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    return {name: value.strip() for name, _sep, value in (line.partition(":") for line in lines)}


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@dataclass
class Server:
    """One gunicorn master with one sync worker pinned to `core`, serving `app`."""

    name: str
    app: str
    core: str
    directory: Path
    environment: dict = field(default_factory=dict)
    log: Path | None = None
    port: int = 0
    process: subprocess.Popen | None = None

    def __enter__(self) -> "Server":
        self.port = free_port()
        self.directory = self.directory.resolve()
        command = ["taskset", "-c", self.core, str(BIN / "gunicorn")]
        if CONFIG.exists():
            command += ["-c", str(CONFIG)]
        command += ["--bind", f"127.0.0.1:{self.port}", "--workers", "1", "--worker-class", "sync"]
        command += ["--max-requests", "0", "--timeout", "120", "--chdir", str(self.directory)]
        environment = os.environ | {"PYTHONPATH": str(ROOT)} | self.environment
        output = self.log.open("w") if self.log else subprocess.DEVNULL
        self.process = subprocess.Popen(
            [*command, self.app],
            cwd=self.directory,
            env=environment,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn ({self.name}) s'est arrêté : voir {self.log}")
            try:
                get(self.url("/"))
                return self
            except OSError:
                time.sleep(0.2)
        self.__exit__()
        raise RuntimeError(f"gunicorn ({self.name}) ne répond pas après 120 s")

    def __exit__(self, *_exc) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def worker(self) -> int:
        master = self.process.pid
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                except OSError:
                    continue
                if int(stat[1]) == master:
                    return int(entry.name)
        raise RuntimeError(f"gunicorn ({self.name}) n'a pas de worker")

    def memory_mb(self) -> dict:
        """The worker's resident memory now and at its peak, in MB."""
        status = _status_file(self.worker())
        return {
            "rss_mb": round(int(status["VmRSS"].split()[0]) / 1024, 1),
            "peak_rss_mb": round(int(status["VmHWM"].split()[0]) / 1024, 1),
        }

    def cpu_seconds(self) -> float:
        return _cpu_seconds(self.worker())


# --- The minimal Wagtail project ---------------------------------------------------------------


def minimal_project(folder: Path) -> Path:
    """`wagtail start`'s project under `folder`, migrated on SQLite; generated again when the
    installed Wagtail changes. Returns the project's folder."""
    import wagtail

    project = folder / MINIMAL_NAME
    marker = project / "wagtail-version.txt"
    if marker.exists() and marker.read_text() == wagtail.__version__:
        return project
    shutil.rmtree(project, ignore_errors=True)
    project.mkdir(parents=True)
    subprocess.run(
        [str(BIN / "wagtail"), "start", MINIMAL_NAME, str(project)],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    # Production settings as generated, plus what serving them here needs: a key, any host,
    # and static URLs without a manifest (the page is measured, not collectstatic).
    (project / MINIMAL_NAME / "settings" / "local.py").write_text(
        'SECRET_KEY = "bench-only-not-secret"\n'
        'ALLOWED_HOSTS = ["*"]\n'
        "STORAGES = {\n"
        '    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},\n'
        '    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},\n'
        "}\n"
    )
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--verbosity", "0"],
        cwd=project,
        env=os.environ | {"DJANGO_SETTINGS_MODULE": f"{MINIMAL_NAME}.settings.production"},
        check=True,
    )
    marker.write_text(wagtail.__version__)
    return project


def start_minimal_project(folder: Path) -> Future:
    """minimal_project() in the background, and the seconds it took: its `wagtail start` and
    `migrate` run in processes of their own, on the core the network's build leaves idle."""

    def prepare():
        started = time.monotonic()
        return minimal_project(folder), round(time.monotonic() - started, 1)

    executor = ThreadPoolExecutor(max_workers=1)
    try:
        return executor.submit(prepare)
    finally:
        executor.shutdown(wait=False)


# --- The section ---------------------------------------------------------------------------


@dataclass
class Plan:
    """What the section measures and for how long."""

    main: list[tuple[str, str]]  # (label, path) of the pages whose throughput is measured
    every: list[str]  # every page type's and feed's path, for the worker's memory
    static_path: str
    seconds: float
    memory_requests: int
    long_requests: int = 0


def _warm(server: Server, path: str) -> dict:
    """A few requests before measuring; the status and X-Cache header of the last one."""
    status, headers = 0, {}
    for _request in range(3):
        status, headers = get(server.url(path))
    return {"status": status, "x_cache": headers.get("X-Cache", "")}


def _throughput(server: Server, load: Load, path: str, seconds: float) -> dict:
    warm = _warm(server, path)
    cpu_before = server.cpu_seconds()
    measured = load.run(server.url(path), seconds=seconds)
    server_cpu = server.cpu_seconds() - cpu_before
    elapsed = measured["seconds"] or seconds
    return warm | {
        "rps": measured["rps"],
        "requests": measured["requests"],
        "failed": measured["failed"],
        "server_cpu_share": round(server_cpu / elapsed, 2),
        "wrk_cpu_share": round(measured["wrk_cpu_s"] / elapsed, 2),
    }


def _memory(server: Server, load: Load, paths: list[str], plan: Plan) -> dict:
    """The worker's memory at start, after each path once, after `memory_requests` requests
    cycling through them, and after `long_requests` when asked."""
    figures = {"start": server.memory_mb()}
    statuses = {get(server.url(path))[0] for path in paths}
    figures["every_page"] = server.memory_mb()
    done, failed, rate = len(paths), 0, 0.0
    script = cycle_script(paths)
    try:
        for target in [plan.memory_requests, plan.long_requests]:
            # wrk runs for a time, not a count (stopping it by count leaves a connection open
            # that a sync worker waits on): rounds sized from the rate of the one before, so
            # the reading comes just past the target.
            while done < target:
                seconds = min(60.0, max(1.0, (target - done) / rate)) if rate else 1.0
                measured = load.run(server.url(paths[0]), seconds=seconds, script=script)
                done += measured["requests"]
                failed += measured["failed"]
                rate = max(measured["rps"] or 0.0, 1.0)
            if target:
                figures[f"after_{target}"] = server.memory_mb() | {"requests": done}
    finally:
        os.unlink(script)
    figures["statuses"] = sorted(statuses)
    figures["failed"] = failed
    return figures


def run(
    plan: Plan, data_dir: Path, work_dir: Path, page_cache_off: dict, minimal: Future | None = None
) -> dict:
    """Every figure of the section, as a dict for the JSON file (empty without wrk). `minimal`:
    the minimal project started with start_minimal_project(), else prepared here."""
    wrk = ensure_wrk()
    if not wrk:
        return {}
    server_core, load_core = cores()
    load = Load(wrk, load_core)
    started = time.monotonic()
    minimal, minimal_setup_s = (minimal or start_minimal_project(work_dir)).result()
    relais_environment = {
        "DJANGO_SETTINGS_MODULE": "tests.bench.settings",
        "RELAIS_DATA_DIR": str(data_dir.resolve()),
        # As production: each worker keeps its database connection between requests.
        "DATABASE_CONN_MAX_AGE": "60",
    }
    results = {
        "gunicorn_config": CONFIG.name if CONFIG.exists() else "",
        "server_core": server_core,
        "load_core": load_core,
        "seconds_per_measure": plan.seconds,
        "connections": load.connections,
        "minimal_setup_s": minimal_setup_s,
        "pages": [],
    }
    minimal_server = Server(
        "wagtail minimal",
        f"{MINIMAL_NAME}.wsgi:application",
        server_core,
        minimal,
        {"DJANGO_SETTINGS_MODULE": f"{MINIMAL_NAME}.settings.production"},
        work_dir / "gunicorn-minimal.log",
    )
    with minimal_server as server:
        results["minimal_memory"] = _memory(server, load, ["/"], plan)
        results["minimal"] = _throughput(server, load, "/", plan.seconds)
    # As production serves visitors: the worker's memory (a fresh worker renders every page
    # type once, then serves the cycle mostly from the page cache, rendering again what
    # expires or changes), the static file, the cached pages.
    cached = Server(
        "relais",
        "website.wsgi:application",
        server_core,
        ROOT,
        relais_environment,
        work_dir / "gunicorn-relais.log",
    )
    with cached as server:
        results["memory"] = _memory(server, load, plan.every, plan)
        results["static"] = _throughput(server, load, plan.static_path, plan.seconds)
        results["static"]["path"] = plan.static_path
        cached_rows = {
            label: _throughput(server, load, path, plan.seconds) for label, path in plan.main
        }
    uncached = Server(
        "relais sans cache",
        "website.wsgi:application",
        server_core,
        ROOT,
        relais_environment | {name: str(value) for name, value in page_cache_off.items()},
        work_dir / "gunicorn-relais-sans-cache.log",
    )
    with uncached as server:
        served = 0
        for label, path in plan.main:
            row = _throughput(server, load, path, plan.seconds)
            served += row["requests"] + 3
            results["pages"].append(
                {
                    "page": label,
                    "path": path,
                    "status": row["status"],
                    "uncached_rps": row["rps"],
                    "uncached_failed": row["failed"],
                    "uncached_server_cpu": row["server_cpu_share"],
                    "cached_rps": cached_rows[label]["rps"],
                    "cached_failed": cached_rows[label]["failed"],
                    "cached_server_cpu": cached_rows[label]["server_cpu_share"],
                    "x_cache": cached_rows[label]["x_cache"],
                }
            )
        # Every one of these requests was rendered: a leak in rendering would show here.
        results["uncached_memory"] = {"rendered": server.memory_mb() | {"requests": served}}
    results["section_s"] = round(time.monotonic() - started, 1)
    return results
