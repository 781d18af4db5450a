#!/usr/bin/env bash
# THE run command of the 物业客服 (property customer-service) suite: Odoo on
# http://127.0.0.1:8069 with every installable module of the repository and
# demo data.
#
# Usage: tools/run.sh [ODOO_ARGS...]      e.g.  tools/run.sh --dev=xml,reload
#
# - database $PROPERTY_DB (default: property_demo); created with all modules
#   (-i) when missing, otherwise our modules are updated (-u) and new ones
#   installed (-i) before serving;
# - settings in config/odoo.local.conf: workers and OCA queue_job's job runner
#   (server_wide_modules, [queue_job] channels), which processes background
#   jobs such as the batches of large billing runs; the addons path is
#   computed here (Odoo's addons + the repository root + addons/) since
#   Odoo's location varies;
# - tools/setup.sh runs first: it prepares what is missing (Python with Odoo
#   18.0 and the packages, queue_job, system packages, PostgreSQL), once;
# - PGHOST PGPORT PGUSER PGPASSWORD are forwarded to Odoo as --db_* options;
# - PROPERTY_MODULES (developer option): a comma-separated subset of the
#   modules to install/update instead of all of them (payment_demo is then
#   left out), e.g. PROPERTY_MODULES=property_tenant for a quick server;
# - PROPERTY_DEMO_SCENARIO=SCALE (e.g. 0.25): when the database is created,
#   the demo step also builds the demo scenario (tools/demo/demo_scenario.py:
#   Wanjia Plaza with twelve months of activity, 400 units at scale 1.0).
#
# Odoo runs through the odoo-bin script of the tree in use (or the packaged
# "odoo" command), never "python3 -m odoo": Odoo re-executes its own command
# line to restart (SIGHUP, a worker past its limits, the websocket process).
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
CONF="$REPO_ROOT/config/odoo.local.conf"
DB="${PROPERTY_DB:-property_demo}"
HTTP_INTERFACE=127.0.0.1
HTTP_PORT=8069

die() {
    echo "tools/run.sh: error: $*" >&2
    exit 1
}
step() { echo "==> $*"; }

case "${1:-}" in
    -h | --help)
        sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}"
        exit 0
        ;;
esac

[[ $DB =~ ^[A-Za-z0-9_][A-Za-z0-9_.-]*$ ]] ||
    die "invalid database name '$DB' (PROPERTY_DB): use letters, digits, _ . -"

# Python, Odoo 18.0, queue_job, system packages, PostgreSQL: prepared when
# missing; exports PYTHON (and PGHOST/PGPORT for a private cluster).
PROPERTY_SETUP_FOR="run"
# shellcheck source=tools/setup.sh
source "$REPO_ROOT/tools/setup.sh"

# Python never runs from a directory that might contain a folder named "odoo".
cd "$REPO_ROOT/config"

ODOO_DIR="$("$PYTHON" -c 'import odoo, os; print(os.path.dirname(odoo.__file__))')" ||
    die "$PYTHON cannot import odoo (see above)"
# The server and the install step: odoo-bin of the tree (or the packaged
# "odoo" command), which Odoo can re-execute to restart itself.
if [[ -f "$(dirname "$ODOO_DIR")/odoo-bin" ]]; then
    ODOO_BIN=("$PYTHON" "$(dirname "$ODOO_DIR")/odoo-bin")
elif command -v odoo >/dev/null; then
    ODOO_BIN=(odoo)
else
    die "neither odoo-bin next to $ODOO_DIR nor an 'odoo' command: Odoo could not restart itself"
fi

# --- modules and addons path (same discovery as tools/test.sh) ----------------
discover_modules() { # prints the installable modules directly under $1
    "$PYTHON" - "$1" <<'PY'
import ast
import os
import sys

root = sys.argv[1]
for name in sorted(os.listdir(root)):
    manifest = os.path.join(root, name, "__manifest__.py")
    if not os.path.isfile(manifest):
        continue
    try:
        with open(manifest, encoding="utf-8") as f:
            data = ast.literal_eval(f.read())
    except (SyntaxError, ValueError) as exc:
        sys.exit(f"unreadable manifest {manifest}: {exc}")
    if data.get("installable", True):
        print(name)
PY
}

ADDONS_DIRS=()
for d in "$ODOO_DIR/addons" "$(dirname "$ODOO_DIR")/addons"; do
    [[ -d $d ]] && ADDONS_DIRS+=("$(cd "$d" && pwd -P)")
done
MODULES=()
for d in "$REPO_ROOT" "$REPO_ROOT/addons"; do
    [[ -d $d ]] || continue
    found="$(discover_modules "$d")" || die "module discovery failed in $d"
    if [[ -n $found ]]; then
        ADDONS_DIRS+=("$d") # Odoo refuses addons path entries without modules
        mapfile -t -O "${#MODULES[@]}" MODULES <<<"$found"
    fi
done
((${#MODULES[@]})) || die "no installable module (*/__manifest__.py) found in $REPO_ROOT"
if [[ -n ${PROPERTY_MODULES:-} ]]; then
    IFS=',' read -r -a _wanted <<<"$PROPERTY_MODULES"
    for m in "${_wanted[@]}"; do
        printf '%s\n' "${MODULES[@]}" | grep -qx -- "$m" ||
            die "PROPERTY_MODULES: '$m' is not a module of the repository (${MODULES[*]})"
    done
    MODULES=("${_wanted[@]}")
fi
ADDONS_PATH="$(IFS=,; echo "${ADDONS_DIRS[*]}")"

ODOO_ARGS=(-c "$CONF" --addons-path="$ADDONS_PATH" -d "$DB" --db-filter="^${DB}\$")
[[ -n ${PGHOST:-} ]] && ODOO_ARGS+=("--db_host=$PGHOST")
[[ -n ${PGPORT:-} ]] && ODOO_ARGS+=("--db_port=$PGPORT")
[[ -n ${PGUSER:-} ]] && ODOO_ARGS+=("--db_user=$PGUSER")
[[ -n ${PGPASSWORD:-} ]] && ODOO_ARGS+=("--db_password=$PGPASSWORD")

# --- install / update ---------------------------------------------------------
psql_q() { psql -X -q -At -v ON_ERROR_STOP=1 "$@"; }
TO_INSTALL=()
TO_UPDATE=()
if [[ -z $(psql_q -d postgres -c "SELECT 1 FROM pg_database WHERE datname = '$DB'") ]]; then
    step "creating database '$DB' with demo data: ${MODULES[*]}"
    TO_INSTALL=("${MODULES[@]}")
else
    [[ -n $(psql_q -d "$DB" -c "SELECT to_regclass('ir_module_module')") ]] ||
        die "database '$DB' exists but is not an Odoo database; drop it or set PROPERTY_DB"
    mapfile -t INSTALLED < <(psql_q -d "$DB" -c "SELECT name FROM ir_module_module WHERE state = 'installed'")
    for m in "${MODULES[@]}"; do
        if printf '%s\n' "${INSTALLED[@]}" | grep -qx -- "$m"; then
            TO_UPDATE+=("$m")
        else
            TO_INSTALL+=("$m")
        fi
    done
    step "database '$DB': updating ${TO_UPDATE[*]:-nothing}; installing ${TO_INSTALL[*]:-nothing}"
fi
# Odoo's demo payment provider, so that tenants can try paying a bill online
# in the demo (test mode: no money moves).
if [[ -z ${PROPERTY_MODULES:-} ]] && { [[ ${#TO_UPDATE[@]} -eq 0 ]] || ! printf '%s\n' "${INSTALLED[@]}" | grep -qx payment_demo; }; then
    TO_INSTALL+=(payment_demo)
fi
INIT_ARGS=()
((${#TO_INSTALL[@]})) && INIT_ARGS+=(-i "$(IFS=,; echo "${TO_INSTALL[*]}")")
((${#TO_UPDATE[@]})) && INIT_ARGS+=(-u "$(IFS=,; echo "${TO_UPDATE[*]}")")
"${ODOO_BIN[@]}" "${ODOO_ARGS[@]}" "${INIT_ARGS[@]}" --stop-after-init --no-http ||
    die "installing/updating the modules failed (see the log above)"

# --- demo step: the scaled demo scenario (a tool, not module demo data) ------
if [[ -n ${PROPERTY_DEMO_SCENARIO:-} && ${#TO_UPDATE[@]} -eq 0 ]]; then
    step "building the demo scenario at scale $PROPERTY_DEMO_SCENARIO"
    SCENARIO_ARGS=(-d "$DB" --addons-path "$ADDONS_PATH" --scale "$PROPERTY_DEMO_SCENARIO")
    python3 "$REPO_ROOT/tools/demo/demo_scenario.py" "${SCENARIO_ARGS[@]}" ||
        die "building the demo scenario failed (see the log above)"
fi

# --- serve ----------------------------------------------------------------------
cat <<EOF

==> Odoo 18 – 物业客服 suite, database '$DB'
    URL:          http://$HTTP_INTERFACE:$HTTP_PORT/
    Back office:  admin / admin
                  (demo roles: agent / agent, supervisor / supervisor,
                   eng.head / eng.head, technician / technician)
    Portal (demo tenant): tenant.wanjia / tenant   ->  http://$HTTP_INTERFACE:$HTTP_PORT/my
    Stop with Ctrl-C.

EOF
exec "${ODOO_BIN[@]}" "${ODOO_ARGS[@]}" \
    --http-interface="$HTTP_INTERFACE" --http-port="$HTTP_PORT" "$@"
