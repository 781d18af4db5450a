#!/usr/bin/env bash
# Prepares what the 物业客服 suite needs on this machine, once: Python with
# Odoo 18.0 and the Python packages, the system packages, a PostgreSQL server.
# tools/run.sh and tools/test.sh source it first; it runs alone too:
#
#     tools/setup.sh
#
# Every step prints what it does; a step with nothing to do costs a check, so
# a second run prepares nothing and takes seconds.  When sourced it exports
#   PYTHON   the interpreter that runs Odoo (its bin/ is put first on PATH,
#            so "python3" is that interpreter for the caller too)
#   PGHOST PGPORT   when it started a private PostgreSQL cluster
#
# 1. Python: "system mode" when python3 (run from a folder without an "odoo"
#    folder) imports Odoo 18.0: only what is missing of requirements*.txt is
#    pip-installed.  Otherwise -- or with PROPERTY_VENV=1 -- a virtual
#    environment .state/venv of the repository (ignored by git), kept for the
#    next runs (PROPERTY_VENV=0 forces system mode).
# 2. Odoo 18.0 (venv mode), pinned in config/odoo.lock (ODOO_GIT_URL,
#    ODOO_COMMIT; the environment overrides both): from ODOO_SRC when set (an
#    Odoo source tree, used in place, or a .tar.gz/.tgz/.tar.xz/.tar,
#    extracted into .state/odoo), otherwise fetched (git, depth 1) into
#    .state/odoo.  A .pth file of the venv names the tree.
# 3. Python packages (venv mode): Odoo's requirements.txt (with setuptools<81
#    in the build environments: cbor2), the suite's requirements.txt and
#    requirements-test.txt, then requirements-oca.txt with --no-deps.  A stamp
#    (.state/venv.stamp: the files, the Odoo source, the Python version) skips
#    pip entirely when nothing changed.
# 4. System packages (Debian/Ubuntu): postgresql-client, wkhtmltopdf,
#    fonts-noto-cjk, chromium (tests only; Ubuntu has it as a snap only), the
#    build headers of psycopg2/python-ldap (venv mode); apt-get installs them
#    when root, otherwise the list to install is printed and only a missing
#    required one stops.
# 5. PostgreSQL: a reachable server (PGHOST PGPORT PGUSER PGPASSWORD) is used;
#    otherwise the machine's clusters are started (pg_lsclusters); otherwise,
#    as root, the postgresql package is installed and a cluster started, with
#    a superuser role for the current user; as another user, a private
#    cluster in .state/pg (initdb on first use, socket in .state/pg, port
#    $PROPERTY_PG_PORT, default 54329) is started and PGHOST/PGPORT exported.
#
# Environment: PROPERTY_VENV (1|0), PROPERTY_PYTHON (base interpreter,
# default python3), ODOO_SRC, ODOO_GIT_URL, ODOO_COMMIT, PROPERTY_PG_PORT,
# PROPERTY_STATE_DIR (default .state), PROPERTY_SETUP_FOR (run|test: what the
# caller needs; "run" does not require a browser).

_ps_sourced=1
if [[ ${BASH_SOURCE[0]} == "$0" ]]; then
    _ps_sourced=0
    set -euo pipefail
    case "${1:-}" in
        -h | --help)
            sed -n '2,/^$/{s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}"
            exit 0
            ;;
    esac
fi

PROPERTY_REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
PROPERTY_STATE_DIR="${PROPERTY_STATE_DIR:-$PROPERTY_REPO_ROOT/.state}"
_ps_for="${PROPERTY_SETUP_FOR:-test}"
_ps_done=() # what this run changed
_ps_apt_updated=0

_ps_say() { echo "==> setup: $*"; }
_ps_warn() { echo "tools/setup.sh: warning: $*" >&2; }
_ps_die() {
    echo "tools/setup.sh: error: $*" >&2
    exit 1
}

# Runs a command from an empty scratch folder: Python must never start in a
# folder that holds an "odoo" folder (it would import that one).
_ps_in_empty_dir() {
    local d rc=0
    d="$(mktemp -d "${TMPDIR:-/tmp}/property-setup.XXXXXX")"
    (cd "$d" && "$@") || rc=$?
    rmdir "$d" 2>/dev/null || true
    return "$rc"
}
# Prints "<interpreter> <Odoo series or -> <1 if queue_job is found, else 0>"
# for python $1, without importing Odoo (a plain import takes seconds).
_ps_probe() {
    _ps_in_empty_dir "$1" - <<'PY'
import importlib.util
import os
import re
import sys

serie = "-"
spec = importlib.util.find_spec("odoo")
if spec and spec.origin:
    release = os.path.join(os.path.dirname(spec.origin), "release.py")
    if os.path.isfile(release):
        with open(release, encoding="utf-8") as f:
            m = re.search(r"^version_info = \((\d+), (\d+),", f.read(), re.M)
        serie = f"{m[1]}.{m[2]}" if m else "?"
# queue_job: in odoo/addons/ of some sys.path entry (the wheel's namespace
# portion, or the tree's own addons), which odoo.addons extends to
found = any(
    os.path.isfile(os.path.join(p, "odoo", "addons", "queue_job", "__manifest__.py"))
    for p in sys.path
    if p
)
print(sys.executable, serie, int(found))
PY
}
_ps_odoo_serie() { # $1 = python; prints Odoo's series ("-" when not importable)
    local out
    out="$(_ps_probe "$1")" || return 1
    out="${out#* }"
    echo "${out%% *}"
}
_ps_has_queue_job() { [[ $(_ps_probe "$1") == *" 1" ]]; }
_ps_have_chrome() { # the names Odoo's test browser looks for, on PATH
    local b
    for b in google-chrome chromium chromium-browser google-chrome-stable; do
        command -v "$b" >/dev/null && return 0
    done
    return 1
}
_ps_os_id() { # shellcheck disable=SC1091
    (. /etc/os-release 2>/dev/null && echo "${ID:-}") || true; }

_ps_apt_install() {
    if ((_ps_apt_updated == 0)); then
        _ps_say "apt-get update"
        DEBIAN_FRONTEND=noninteractive apt-get update -q || _ps_die "apt-get update failed (no network to the package mirror?)"
        _ps_apt_updated=1
    fi
    _ps_say "apt-get install $*"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@" ||
        _ps_die "apt-get install $* failed (see above)"
    _ps_done+=("apt: $*")
}

# --- 4. system packages -------------------------------------------------------
# $1 = "venv" or "system"; $2 = 1 when pip has work to do (build headers needed)
_ps_system_packages() {
    local mode="$1" building="$2" required=() optional=() missing_req=() missing_opt=()
    local p
    command -v psql >/dev/null && command -v pg_isready >/dev/null || required+=(postgresql-client)
    command -v wkhtmltopdf >/dev/null || optional+=(wkhtmltopdf)
    if command -v dpkg >/dev/null; then
        dpkg -s fonts-noto-cjk >/dev/null 2>&1 || optional+=(fonts-noto-cjk)
    fi
    if [[ $_ps_for == test ]] && ! _ps_have_chrome; then
        required+=(chromium)
    fi
    if [[ $mode == venv && $building == 1 ]] && command -v dpkg >/dev/null; then
        for p in libpq-dev libldap2-dev libsasl2-dev build-essential; do
            dpkg -s "$p" >/dev/null 2>&1 || required+=("$p")
        done
        # Python.h of the base interpreter (Debian's python3 needs python3-dev;
        # pyenv/python.org builds ship it)
        "$_ps_base_python" -c 'import os, sysconfig, sys; sys.exit(not os.path.exists(os.path.join(sysconfig.get_paths()["include"], "Python.h")))' ||
            required+=(python3-dev)
        "$_ps_base_python" -c 'import ensurepip, venv' 2>/dev/null || required+=(python3-venv)
    fi
    ((${#required[@]} + ${#optional[@]})) || return 0

    local os_id
    os_id="$(_ps_os_id)"
    if ((EUID == 0)) && command -v apt-get >/dev/null; then
        local to_install=()
        for p in "${required[@]}" "${optional[@]}"; do
            if [[ $p == chromium && $os_id == ubuntu ]]; then
                missing_req+=("chromium (Ubuntu packages it as a snap only: install Google Chrome's .deb, or use the Dockerfile's image)")
                continue
            fi
            to_install+=("$p")
        done
        ((${#to_install[@]})) && _ps_apt_install "${to_install[@]}"
    else
        missing_req=("${required[@]}")
        missing_opt=("${optional[@]}")
    fi
    if ((${#missing_opt[@]})); then
        _ps_warn "not installed (PDF reports need them): ${missing_opt[*]}
    install with: sudo apt-get install ${missing_opt[*]}"
    fi
    if ((${#missing_req[@]})); then
        _ps_die "required system packages are missing: ${missing_req[*]}
    install them (as root: apt-get install ${missing_req[*]%% (*}), then run again"
    fi
}

# --- 1. which Python ----------------------------------------------------------
_ps_base_python="${PROPERTY_PYTHON:-python3}"
command -v "$_ps_base_python" >/dev/null ||
    _ps_die "no '$_ps_base_python' found: install Python 3.10-3.12 (Debian: apt-get install python3 python3-venv)"
_ps_venv="$PROPERTY_STATE_DIR/venv"
_ps_stamp_file="$PROPERTY_STATE_DIR/venv.stamp"
case "${PROPERTY_VENV:-}" in
    1) _ps_mode=venv ;;
    0) _ps_mode=system ;;
    "")
        if [[ -f $_ps_stamp_file ]]; then
            _ps_mode=venv # prepared by an earlier run: keep using it
        elif [[ $(_ps_odoo_serie "$_ps_base_python" || true) == 18.0 ]]; then
            _ps_mode=system
        else
            _ps_mode=venv
        fi
        ;;
    *) _ps_die "PROPERTY_VENV must be 1, 0 or unset, not '$PROPERTY_VENV'" ;;
esac

# --- system mode: Odoo is importable, add what is missing of ours ------------
_ps_unsatisfied_in() { # prints the lines of the requirement files that are not met
    "$PYTHON" - "$@" <<'PY'
import importlib.metadata
import re
import sys


def key(version):
    return tuple(int(n) for n in re.findall(r"\d+", version)[:4])


for path in sys.argv[1:]:
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            name, op, wanted = re.match(
                r"([A-Za-z0-9_.-]+)\s*(==|>=)?\s*(\S*)", line
            ).groups()
            try:
                installed = importlib.metadata.version(name)
            except importlib.metadata.PackageNotFoundError:
                print(line)
                continue
            if (op == "==" and installed != wanted) or (
                op == ">=" and key(installed) < key(wanted)
            ):
                print(line)
PY
}
_ps_system_pip() {
    local args=(install --no-input "$@")
    # Debian/Ubuntu system Python (PEP 668), e.g. in the odoo:18.0 image
    if "$PYTHON" -c 'import os, sys, sysconfig; sys.exit(not os.path.exists(os.path.join(sysconfig.get_path("stdlib"), "EXTERNALLY-MANAGED")))' &&
        [[ -z ${VIRTUAL_ENV:-} ]]; then
        args+=(--break-system-packages)
    fi
    _ps_in_empty_dir "$PYTHON" -m pip "${args[@]}"
}
_ps_setup_system() {
    local serie missing
    # the interpreter itself, not a wrapper (pyenv shims cost a second a call)
    PYTHON="$(_ps_probe "$_ps_base_python")" || _ps_die "$_ps_base_python does not run"
    PYTHON="${PYTHON%% *}"
    serie="$(_ps_odoo_serie "$PYTHON")"
    [[ $serie != - ]] ||
        _ps_die "PROPERTY_VENV=0 but $PYTHON has no Odoo: unset PROPERTY_VENV to let set-up prepare Odoo in .state/"
    [[ $serie == 18.0 ]] || _ps_die "Odoo 18.0 is required, $PYTHON imports Odoo $serie (unset PROPERTY_VENV to use .state/)"
    _ps_say "Python: $PYTHON has Odoo 18.0 (system mode)"
    _ps_system_packages system 0
    missing="$(_ps_unsatisfied_in "$PROPERTY_REPO_ROOT/requirements.txt" "$PROPERTY_REPO_ROOT/requirements-test.txt")"
    if [[ -n $missing ]]; then
        _ps_say "pip install -r requirements.txt -r requirements-test.txt (missing: ${missing//$'\n'/ })"
        _ps_system_pip -r "$PROPERTY_REPO_ROOT/requirements.txt" -r "$PROPERTY_REPO_ROOT/requirements-test.txt" ||
            _ps_die "pip install of the suite's requirements failed (see above)"
        _ps_done+=("pip: ${missing//$'\n'/ }")
    fi
    # OCA modules (odoo-addon-* wheels) declare odoo==18.0.*, which pip cannot
    # satisfy for a source checkout or a .deb: --no-deps, their own
    # dependencies are listed in the file.
    missing="$(_ps_unsatisfied_in "$PROPERTY_REPO_ROOT/requirements-oca.txt")"
    if [[ -n $missing ]]; then
        _ps_say "pip install --no-deps -r requirements-oca.txt (missing: ${missing//$'\n'/ })"
        _ps_system_pip --no-deps -r "$PROPERTY_REPO_ROOT/requirements-oca.txt" ||
            _ps_die "pip install of the OCA modules failed (see above)"
        _ps_done+=("pip: ${missing//$'\n'/ }")
    fi
    _ps_has_queue_job "$PYTHON" ||
        _ps_die "the OCA module queue_job is not found under odoo.addons: install the wheel into the Python that runs Odoo (pip install --no-deps -r requirements-oca.txt)"
}

# --- 2. Odoo source (venv mode) -----------------------------------------------
_ps_read_lock() {
    local key value
    while IFS='=' read -r key value; do
        case "$key" in
            ODOO_GIT_URL) _ps_lock_url="$value" ;;
            ODOO_COMMIT) _ps_lock_commit="$value" ;;
        esac
    done < <(grep -E '^[A-Z_]+=' "$PROPERTY_REPO_ROOT/config/odoo.lock")
    ODOO_GIT_URL="${ODOO_GIT_URL:-$_ps_lock_url}"
    ODOO_COMMIT="${ODOO_COMMIT:-$_ps_lock_commit}"
}
_ps_check_odoo_tree() { # $1 = tree, $2 = where it came from
    [[ -f $1/odoo/release.py && -f $1/odoo-bin && -f $1/requirements.txt ]] ||
        _ps_die "$2 is not an Odoo source tree (no odoo/release.py, odoo-bin, requirements.txt in $1)"
    grep -qE '^version_info = \(18, 0,' "$1/odoo/release.py" ||
        _ps_die "$2 is not Odoo 18.0 ($(grep -m1 -E '^version_info' "$1/odoo/release.py"))"
}
_ps_mark_source() { # $1 = marker file, $2 = 1 when the environment chose Odoo
    mkdir -p "$PROPERTY_STATE_DIR"
    [[ -f $1 && $(<"$1") == "$_ps_odoo_id" ]] || echo "$_ps_odoo_id" >"$1"
    if (($2)); then : >"$1.override"; else rm -f "$1.override"; fi
}
_ps_odoo_source() { # sets _ps_odoo_root and _ps_odoo_id
    local marker="$PROPERTY_STATE_DIR/odoo.source" target="$PROPERTY_STATE_DIR/odoo" new
    new="$PROPERTY_STATE_DIR/odoo.new"
    # Odoo chosen through the environment by an earlier run stays in use
    # when the environment says nothing (ODOO_SRC once, then ./tools/run.sh)
    if [[ -z ${ODOO_SRC:-}${ODOO_GIT_URL:-}${ODOO_COMMIT:-} && -f $marker.override && -f $marker ]]; then
        _ps_odoo_id="$(<"$marker")"
        _ps_odoo_root="$target"
        [[ $_ps_odoo_id == tree:* ]] && _ps_odoo_root="${_ps_odoo_id#tree:}"
        if [[ -d $_ps_odoo_root ]]; then
            _ps_say "Odoo: $_ps_odoo_root (chosen by an earlier run: ${_ps_odoo_id%%:*} ${_ps_odoo_id#*:}; set ODOO_SRC or ODOO_GIT_URL/ODOO_COMMIT to change)"
            return 0
        fi
    fi
    local override=0
    [[ -n ${ODOO_SRC:-}${ODOO_GIT_URL:-}${ODOO_COMMIT:-} ]] && override=1
    if [[ -n ${ODOO_SRC:-} && -d $ODOO_SRC ]]; then
        _ps_odoo_root="$(cd "$ODOO_SRC" && pwd -P)"
        _ps_check_odoo_tree "$_ps_odoo_root" "ODOO_SRC=$ODOO_SRC"
        _ps_odoo_id="tree:$_ps_odoo_root"
        _ps_say "Odoo: source tree $_ps_odoo_root (ODOO_SRC, used in place)"
        _ps_mark_source "$marker" 1
        return 0
    fi
    if [[ -n ${ODOO_SRC:-} ]]; then
        [[ -f $ODOO_SRC ]] || _ps_die "ODOO_SRC=$ODOO_SRC: no such file or folder"
        local src
        src="$(cd "$(dirname "$ODOO_SRC")" && pwd -P)/$(basename "$ODOO_SRC")"
        _ps_odoo_id="tarball:$src:$(stat -c %s:%Y "$src")"
        _ps_odoo_root="$target"
        if [[ -f $marker && $(<"$marker") == "$_ps_odoo_id" && -d $target ]]; then
            _ps_say "Odoo: $target (from $src, already extracted)"
            return 0
        fi
        _ps_say "Odoo: extracting $src into $target"
        rm -rf "$new" && mkdir -p "$new"
        tar -xf "$src" -C "$new" || _ps_die "cannot extract ODOO_SRC=$src (a .tar.gz, .tgz, .tar.xz or .tar of an Odoo 18.0 source tree)"
        local top="$new"
        # one top folder (odoo-18.0.post…/, odoo-<sha>/): the tree is inside
        if [[ ! -f $new/odoo/release.py ]] && (($(find "$new" -mindepth 1 -maxdepth 1 | wc -l) == 1)); then
            top="$(find "$new" -mindepth 1 -maxdepth 1)"
        fi
        _ps_check_odoo_tree "$top" "ODOO_SRC=$src"
        rm -rf "$target"
        if [[ $top == "$new" ]]; then mv "$new" "$target"; else mv "$top" "$target" && rm -rf "$new"; fi
        _ps_mark_source "$marker" 1
        _ps_done+=("Odoo extracted from $src")
        return 0
    fi
    _ps_read_lock
    [[ -n $ODOO_GIT_URL && $ODOO_COMMIT =~ ^[0-9a-f]{40}$ ]] ||
        _ps_die "config/odoo.lock must give ODOO_GIT_URL and a 40-hex ODOO_COMMIT (got '$ODOO_GIT_URL' '$ODOO_COMMIT')"
    _ps_odoo_id="git:$ODOO_GIT_URL@$ODOO_COMMIT"
    _ps_odoo_root="$target"
    if [[ -f $marker && $(<"$marker") == "$_ps_odoo_id" && -d $target ]]; then
        _ps_mark_source "$marker" "$override"
        _ps_say "Odoo: $target (commit ${ODOO_COMMIT:0:12}, already fetched)"
        return 0
    fi
    command -v git >/dev/null || _ps_die "git is needed to fetch Odoo (apt-get install git), or set ODOO_SRC to an Odoo 18.0 tree or tarball"
    _ps_say "Odoo: fetching commit $ODOO_COMMIT from $ODOO_GIT_URL into $target (about 400 MB)"
    rm -rf "$new"
    git init -q "$new"
    git -C "$new" fetch --depth 1 --progress "$ODOO_GIT_URL" "$ODOO_COMMIT" ||
        _ps_die "cannot fetch Odoo $ODOO_COMMIT from $ODOO_GIT_URL (no network?): set ODOO_SRC to an Odoo 18.0 source tree or tarball, or ODOO_GIT_URL/ODOO_COMMIT to a copy you can reach"
    _ps_say "Odoo: checking out ${ODOO_COMMIT:0:12}"
    git -C "$new" -c advice.detachedHead=false checkout -q FETCH_HEAD || _ps_die "git checkout of $ODOO_COMMIT failed in $new"
    _ps_check_odoo_tree "$new" "commit $ODOO_COMMIT of $ODOO_GIT_URL"
    rm -rf "$target" && mv "$new" "$target"
    _ps_mark_source "$marker" "$override"
    _ps_done+=("Odoo fetched")
}

# --- 3. venv and Python packages ----------------------------------------------
_ps_pip_stamp() {
    {
        echo "$_ps_odoo_id"
        "$PYTHON" -VV
        cat "$_ps_odoo_root/requirements.txt" "$PROPERTY_REPO_ROOT/requirements.txt" \
            "$PROPERTY_REPO_ROOT/requirements-test.txt" "$PROPERTY_REPO_ROOT/requirements-oca.txt"
        echo "constraints: setuptools<81"
    } | sha256sum | cut -d' ' -f1
}
_ps_setup_venv() {
    mkdir -p "$PROPERTY_STATE_DIR"
    [[ -f $PROPERTY_STATE_DIR/.gitignore ]] || echo '*' >"$PROPERTY_STATE_DIR/.gitignore"
    if ! "$_ps_base_python" -c 'import sys; sys.exit(sys.version_info < (3, 10))'; then
        _ps_die "Odoo 18.0 needs Python 3.10 to 3.12; $_ps_base_python is $("$_ps_base_python" -V 2>&1) (set PROPERTY_PYTHON)"
    fi
    _ps_odoo_source
    if [[ ! -x $_ps_venv/bin/python ]]; then
        _ps_system_packages venv 1 # python3-venv before the venv
        _ps_say "Python: creating the virtual environment $_ps_venv ($("$_ps_base_python" -V 2>&1))"
        _ps_in_empty_dir "$_ps_base_python" -m venv "$_ps_venv" ||
            _ps_die "cannot create a venv with $_ps_base_python (Debian: apt-get install python3-venv)"
        _ps_done+=("venv created")
    fi
    PYTHON="$_ps_venv/bin/python"
    local site
    site="$("$PYTHON" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
    if [[ $(cat "$site/property-odoo.pth" 2>/dev/null) != "$_ps_odoo_root" ]]; then
        echo "$_ps_odoo_root" >"$site/property-odoo.pth"
        _ps_done+=("venv names $_ps_odoo_root")
    fi
    local stamp
    stamp="$(_ps_pip_stamp)"
    if [[ -f $_ps_stamp_file && $(<"$_ps_stamp_file") == "$stamp" ]]; then
        _ps_say "Python: $_ps_venv, packages up to date"
        _ps_system_packages venv 0
        return 0
    fi
    _ps_system_packages venv 1
    rm -f "$_ps_stamp_file"
    local constraints="$PROPERTY_STATE_DIR/pip-constraints.txt"
    # cbor2 (Odoo's pin) builds with pkg_resources, which setuptools 81 removed
    echo 'setuptools<81' >"$constraints"
    _ps_say "pip: Odoo's requirements ($_ps_odoo_root/requirements.txt)"
    PIP_CONSTRAINT="$constraints" _ps_in_empty_dir "$PYTHON" -m pip install --no-input \
        -r "$_ps_odoo_root/requirements.txt" ||
        _ps_die "pip install of Odoo's requirements failed (see above; the build headers: apt-get install libpq-dev libldap2-dev libsasl2-dev build-essential python3-dev)"
    _ps_say "pip: the suite's requirements (requirements.txt, requirements-test.txt)"
    PIP_CONSTRAINT="$constraints" _ps_in_empty_dir "$PYTHON" -m pip install --no-input \
        -r "$PROPERTY_REPO_ROOT/requirements.txt" -r "$PROPERTY_REPO_ROOT/requirements-test.txt" ||
        _ps_die "pip install of the suite's requirements failed (see above)"
    _ps_say "pip: OCA modules (requirements-oca.txt, --no-deps)"
    _ps_in_empty_dir "$PYTHON" -m pip install --no-input --no-deps -r "$PROPERTY_REPO_ROOT/requirements-oca.txt" ||
        _ps_die "pip install of the OCA modules failed (see above)"
    [[ $(_ps_in_empty_dir "$PYTHON" -c 'import odoo.release as r; print(r.serie)') == 18.0 ]] ||
        _ps_die "$PYTHON still cannot import Odoo 18.0 from $_ps_odoo_root (see the pip output above)"
    _ps_has_queue_job "$PYTHON" || _ps_die "queue_job is not found under odoo.addons in $_ps_venv"
    echo "$stamp" >"$_ps_stamp_file"
    _ps_done+=("Python packages installed")
}

# --- 5. PostgreSQL ------------------------------------------------------------
_ps_wait_pg() {
    local _
    for _ in $(seq 30); do
        pg_isready -q && return 0
        sleep 1
    done
    return 1
}
_ps_private_pg() { # a cluster of the current (non-root) user in .state/pg
    local bin="" d pgdir="$PROPERTY_STATE_DIR/pg"
    if command -v initdb >/dev/null; then
        bin="$(dirname "$(command -v initdb)")"
    else
        for d in /usr/lib/postgresql/*/bin; do
            [[ -x $d/initdb ]] && bin="$d"
        done
    fi
    [[ -n $bin ]] || return 1
    export PGHOST="$pgdir" PGPORT="${PROPERTY_PG_PORT:-54329}"
    if [[ ! -f $pgdir/data/PG_VERSION ]]; then
        _ps_say "PostgreSQL: initialising a private cluster in $pgdir/data (port $PGPORT)"
        mkdir -p "$pgdir"
        "$bin/initdb" -D "$pgdir/data" -U "$(id -un)" --auth=trust -E UTF8 --locale=C.UTF-8 >"$pgdir/initdb.log" 2>&1 ||
            _ps_die "initdb failed, see $pgdir/initdb.log"
        _ps_done+=("private PostgreSQL cluster")
    fi
    if ! pg_isready -q; then
        _ps_say "PostgreSQL: starting the private cluster ($pgdir, port $PGPORT; stop: $bin/pg_ctl -D $pgdir/data stop)"
        "$bin/pg_ctl" -D "$pgdir/data" -l "$pgdir/server.log" -w start \
            -o "-k $pgdir -p $PGPORT -c listen_addresses=''" >/dev/null ||
            _ps_die "the private PostgreSQL cluster does not start, see $pgdir/server.log"
        _ps_done+=("private PostgreSQL started")
    fi
    # psql/dropdb and Odoo's own default: a database named after the user
    psql -X -q -d postgres -c 'SELECT 1' >/dev/null
}
_ps_start_clusters() {
    command -v pg_lsclusters >/dev/null || return 1
    local ver name _port status _rest started=1
    while read -r ver name _port status _rest; do
        [[ -n $ver ]] || continue
        started=0
        if [[ $status != online* ]]; then
            _ps_say "PostgreSQL: starting cluster $ver/$name"
            pg_ctlcluster "$ver" "$name" start || true
            _ps_done+=("cluster $ver/$name started")
        fi
    done < <(pg_lsclusters --no-header 2>/dev/null)
    return "$started"
}
_ps_root_role() { # a superuser role named after root, as Odoo connects as the OS user
    local me
    me="$(id -un)"
    if ! psql -X -q -d postgres -c 'SELECT 1' >/dev/null 2>&1 && id postgres >/dev/null 2>&1; then
        _ps_say "PostgreSQL: creating the superuser role '$me'"
        su postgres -c "createuser -s '$me'" || _ps_die "cannot create the PostgreSQL role $me"
        _ps_done+=("role $me")
    fi
}
_ps_postgres() {
    command -v pg_isready >/dev/null || _ps_die "PostgreSQL client tools are missing (apt-get install postgresql-client)"
    if pg_isready -q; then
        _ps_say "PostgreSQL: ${PGHOST:-local socket}${PGPORT:+:$PGPORT} answers"
        return 0
    fi
    # a private cluster prepared by an earlier run
    if [[ -z ${PGHOST:-} && -f $PROPERTY_STATE_DIR/pg/data/PG_VERSION ]] && ((EUID != 0)); then
        _ps_private_pg && return 0
    fi
    if [[ -n ${PGHOST:-} && $PGHOST != /* && $PGHOST != localhost && $PGHOST != 127.0.0.1 ]]; then
        _ps_wait_pg && return 0
        _ps_die "PostgreSQL at $PGHOST${PGPORT:+:$PGPORT} does not answer (pg_isready -h $PGHOST): start it, or unset PGHOST to use a local server"
    fi
    if _ps_start_clusters; then
        if _ps_wait_pg; then
            ((EUID == 0)) && _ps_root_role
            return 0
        fi
        ((EUID == 0)) && _ps_die "the local PostgreSQL cluster(s) do not answer (pg_lsclusters; logs in /var/log/postgresql)"
        _ps_warn "the machine's PostgreSQL cluster(s) do not answer and $(id -un) cannot start them: using a private cluster"
    fi
    if ((EUID == 0)); then
        command -v pg_createcluster >/dev/null || _ps_apt_install postgresql
        if ! _ps_start_clusters; then
            local ver
            ver="$(find /usr/lib/postgresql -mindepth 1 -maxdepth 1 -printf '%f\n' | sort -n | tail -n 1)"
            _ps_say "PostgreSQL: creating cluster $ver/main"
            pg_createcluster --start "$ver" main || _ps_die "pg_createcluster $ver main failed"
            _ps_done+=("cluster $ver/main created")
        fi
        _ps_wait_pg || _ps_die "the local PostgreSQL cluster does not answer (pg_lsclusters; logs in /var/log/postgresql)"
        _ps_root_role
        return 0
    fi
    _ps_private_pg && return 0
    _ps_die "no PostgreSQL server answers and none can be started here: install the server
    (as root: apt-get install postgresql), or set PGHOST/PGPORT/PGUSER/PGPASSWORD"
}

# --- run ----------------------------------------------------------------------
if [[ $_ps_mode == venv ]]; then
    _ps_setup_venv
    export VIRTUAL_ENV="$_ps_venv"
    case ":$PATH:" in
        *":$_ps_venv/bin:"*) ;;
        *) export PATH="$_ps_venv/bin:$PATH" ;;
    esac
else
    _ps_setup_system
fi
export PYTHON
_ps_postgres
if ((${#_ps_done[@]})); then
    _ps_say "ready ($_ps_mode mode, $PYTHON); done now: $(IFS=';'; echo "${_ps_done[*]}")"
else
    _ps_say "nothing to do: ready ($_ps_mode mode, $PYTHON)"
fi
unset -f _ps_say _ps_warn _ps_die _ps_in_empty_dir _ps_probe _ps_odoo_serie _ps_has_queue_job \
    _ps_have_chrome _ps_os_id _ps_apt_install _ps_system_packages _ps_unsatisfied_in \
    _ps_system_pip _ps_setup_system _ps_read_lock _ps_check_odoo_tree _ps_mark_source _ps_odoo_source \
    _ps_pip_stamp _ps_setup_venv _ps_wait_pg _ps_private_pg _ps_start_clusters _ps_root_role \
    _ps_postgres
if ((_ps_sourced)); then
    return 0
fi
