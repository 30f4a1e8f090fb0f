#!/usr/bin/env bash
# Debian's ffmpeg, for waveforms of non-WAV audio (idempotent; needs root).
set -euo pipefail
if [ -x /usr/bin/ffmpeg ]; then exit 0; fi
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends ffmpeg >/dev/null
echo "ffmpeg installed: $(/usr/bin/ffmpeg -version | head -1)"
