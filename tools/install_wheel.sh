#!/bin/sh
# The one way the bot is built and installed: the Dockerfile and CI (.ci/run) both run this.
#   tools/install_wheel.sh build SOURCE_DIR WHEEL_DIR    # the youthbot wheel, catalogs compiled
#   tools/install_wheel.sh install WHEEL_DIR VENV_DIR    # a clean venv with the wheel and deps
#   tools/install_wheel.sh deps LOCK_FILE VENV_DIR       # a venv with exactly the locked deps
#   tools/install_wheel.sh code WHEEL_DIR VENV_DIR       # the wheel alone into such a venv
# `deps` then `code` is what the image does: every dependency pinned and checked against its
# hash (requirements.lock), in a layer of its own that a code change does not rebuild.
set -eu
PYTHON="${PYTHON:-python3}"

check_catalogs() {
    # the catalogs must be in the wheel, compiled (run from / so the source tree is not seen)
    cd / && "$1/bin/python" -c "import pathlib, youthbot; \
mo = sorted(pathlib.Path(youthbot.__file__).parent.glob('locales/*/LC_MESSAGES/youthbot.mo')); \
assert mo, 'no compiled catalogs in the wheel'; print('catalogs:', ' '.join(p.parts[-3] for p in mo))"
}

case "${1:-}" in
  build)
    "$PYTHON" -m pip wheel --quiet --no-deps --wheel-dir "$3" "$2"
    ;;
  install)
    "$PYTHON" -m venv "$3"
    "$3/bin/pip" install --quiet --no-cache-dir "$2"/youthbot-*.whl
    check_catalogs "$3"
    ;;
  deps)
    "$PYTHON" -m venv "$3"
    "$3/bin/pip" install --quiet --no-cache-dir --require-hashes --no-deps -r "$2"
    ;;
  code)
    "$3/bin/pip" install --quiet --no-cache-dir --no-deps --no-index "$2"/youthbot-*.whl
    "$3/bin/pip" check
    check_catalogs "$3"
    ;;
  *)
    echo "usage: $0 build SOURCE_DIR WHEEL_DIR | install WHEEL_DIR VENV_DIR" >&2
    echo "       | deps LOCK_FILE VENV_DIR | code WHEEL_DIR VENV_DIR" >&2
    exit 2
    ;;
esac
