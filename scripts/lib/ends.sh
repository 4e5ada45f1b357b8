# The two ends of the supported Home Assistant range, their Python environments, and how to run in them.
# Sourced by scripts/setup, scripts/run-in and scripts/test (from the project root).
#
#   floor   requirements/floor.txt   Home Assistant 2025.4.4 on Python 3.13   -> .venv (host Python)
#   newest  requirements/newest.txt  Home Assistant 2026.10.4 on Python 3.14  -> .venv-newest (host Python),
#           or, where no Python >= 3.14.2 is installed, a venv inside a Debian testing root in .cache/py314-root
#           (made once with mmdebstrap, entered with chroot in a private mount namespace; needs root).

PY314_ROOT="$PWD/.cache/py314-root"
PY314_ROOT_VENV=/opt/v2g-newest

# Python versions each end runs on: the smallest accepted and the first refused.
end_python_min() { case "$1" in floor) echo 3.13.0 ;; newest) echo 3.14.2 ;; esac; }
end_python_below() { case "$1" in floor) echo 3.14.0 ;; newest) echo 3.15.0 ;; esac; }

ends_die() {
  echo "scripts: $*" >&2
  exit 1
}

check_end() {
  case "$1" in
    floor | newest) ;;
    *) ends_die "unknown end '$1' (floor or newest)" ;;
  esac
}

# Print the path of a Python in [min, below) from PATH or pyenv, or fail.
find_python() {
  local min=$1 below=$2 cand check
  check="import sys; v = sys.version_info[:3]; sys.exit(not (tuple(map(int, '$min'.split('.'))) <= v < tuple(map(int, '$below'.split('.')))))"
  for cand in python3.14 python3.13 python3 python; do
    if command -v "$cand" >/dev/null 2>&1 && "$cand" -c "$check" 2>/dev/null; then
      command -v "$cand"
      return 0
    fi
  done
  if command -v pyenv >/dev/null 2>&1; then
    for cand in "$(pyenv root)"/versions/3.1[3-9]*/bin/python3; do
      if [ -x "$cand" ] && "$cand" -c "$check" 2>/dev/null; then
        echo "$cand"
        return 0
      fi
    done
  fi
  return 1
}

# Where an end's environment lives: "host:<venv dir>" or "root:<venv dir inside the root>".
end_location() {
  local end=$1
  if [ "$end" = floor ]; then
    echo "host:$PWD/.venv"
  elif [ -x "$PWD/.venv-newest/bin/python" ] ||
    find_python "$(end_python_min newest)" "$(end_python_below newest)" >/dev/null; then
    echo "host:$PWD/.venv-newest"
  else
    echo "root:$PY314_ROOT_VENV"
  fi
}

# Run "$@" inside the Debian testing root, with the project mounted at its own path (nothing outlives the call).
in_py314_root() {
  [ "$(id -u)" = 0 ] || ends_die "the Python 3.14 root needs root (or install Python >= 3.14.2 on PATH or in pyenv)"
  local keep=(PATH="$PY314_ROOT_VENV/bin:/usr/local/bin:/usr/bin:/bin" HOME=/root LANG=C.UTF-8)
  local name
  for name in $(compgen -e); do
    case "$name" in
      PIP_* | PYTEST_* | PYTHONPATH | CI | TERM | TZ | V2G_* | http_proxy | https_proxy | no_proxy | HTTP_PROXY | HTTPS_PROXY | NO_PROXY | SSL_CERT_FILE | REQUESTS_CA_BUNDLE)
        keep+=("$name=${!name}")
        ;;
    esac
  done
  mkdir -p "$PY314_ROOT$PWD"
  # The project appears at the same path inside, so coverage paths and tracebacks match the host's.
  unshare --mount --propagation private -- /bin/bash -c '
    set -e
    root=$1 project=$2
    shift 2
    mount --bind "$project" "$root$project"
    mount --rbind /dev "$root/dev"
    mount -t proc proc "$root/proc"
    exec chroot "$root" /usr/bin/env -i "$@"
  ' in-root "$PY314_ROOT" "$PWD" "${keep[@]}" /bin/bash -c 'cd "$1" && shift && exec "$@"' run "$PWD" "$@"
}

# Make the Debian testing root (Python 3.14) once; refresh its network and pip settings from the host.
ensure_py314_root() {
  if [ ! -x "$PY314_ROOT/usr/bin/python3" ]; then
    [ "$(id -u)" = 0 ] || ends_die "no Python >= 3.14.2 found; install one, or run as root to build a Debian testing root"
    if ! command -v mmdebstrap >/dev/null 2>&1; then
      echo "scripts/setup: installing mmdebstrap (apt)"
      apt-get install -y -q mmdebstrap >/dev/null || { apt-get update -q >/dev/null && apt-get install -y -q mmdebstrap >/dev/null; }
    fi
    echo "scripts/setup: building a Debian testing root with Python 3.14 in $PY314_ROOT (about a minute, once)"
    rm -rf "$PY314_ROOT"
    mkdir -p "$(dirname "$PY314_ROOT")"
    mmdebstrap --quiet --variant=minbase --aptopt='Acquire::Check-Valid-Until "false"' \
      --include=python3,python3-venv,python3-dev,gcc,g++,git,ca-certificates,libffi-dev,libssl-dev \
      testing "$PY314_ROOT"
  fi
  cp /etc/resolv.conf "$PY314_ROOT/etc/resolv.conf"
  [ -f /etc/ssl/certs/ca-certificates.crt ] &&
    cp /etc/ssl/certs/ca-certificates.crt "$PY314_ROOT/etc/ssl/certs/ca-certificates.crt"
  # pip's configuration, and the files it names (constraints, certificates), at the same paths inside.
  local conf file
  for conf in /etc/pip.conf /etc/xdg/pip/pip.conf "$HOME/.pip/pip.conf" "$HOME/.config/pip/pip.conf"; do
    [ -f "$conf" ] || continue
    for file in "$conf" $(grep -o '/[^ ]*' "$conf" | sort -u); do
      if [ -f "$file" ]; then
        mkdir -p "$PY314_ROOT$(dirname "${file/#$HOME//root}")"
        cp "$file" "$PY314_ROOT${file/#$HOME//root}"
      fi
    done
  done
}

# Run "$@" with the end's environment first on PATH.
run_in_end() {
  local end=$1 location
  shift
  location=$(end_location "$end")
  case "$location" in
    host:*) PATH="${location#host:}/bin:$PATH" "$@" ;;
    root:*) in_py314_root "$@" ;;
  esac
}
