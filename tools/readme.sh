#!/usr/bin/env bash
# Assembles crm_customer_management/README.rst from the readme/*.md fragments.
set -euo pipefail
cd "$(dirname "$0")/../crm_customer_management"
title="Customer Management (IDIC, QCI lifecycle, complaints, KPIs)"
bar=$(printf '%s' "$title" | sed 's/./=/g')
{
  printf '%s\n%s\n%s\n\n' "$bar" "$title" "$bar"
  printf '.. This file is assembled from the readme/ fragments by tools/readme.sh; edit those.\n\n'
  for part in DESCRIPTION:Description CONFIGURE:Configuration USAGE:Usage CONTRIBUTORS:Contributors; do
    file=${part%%:*} head=${part#*:}
    [ -f "readme/$file.md" ] || continue
    printf '%s\n%s\n\n' "$head" "$(printf '%s' "$head" | sed 's/./=/g')"
    sed 's/`\([^`]*\)`/``\1``/g' "readme/$file.md"
    echo
  done
} >README.rst
