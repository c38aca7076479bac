#!/usr/bin/env bash
# Installs the .NET SDK the project pins (global.json) when the image lacks it, and builds the tool and the suite once.
set -euo pipefail
if ! dotnet --list-sdks 2>/dev/null | grep -q '^10\.'; then
  curl -fsSL https://dot.net/v1/dotnet-install.sh -o /tmp/dotnet-install.sh
  bash /tmp/dotnet-install.sh --channel 10.0 --install-dir "$HOME/.dotnet"
  export PATH="$HOME/.dotnet:$PATH"
fi
dotnet build IsolationChecks.sln -c Release
