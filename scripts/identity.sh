# shellcheck shell=bash
# The project's one identity: author, committer and Signed-off-by of every
# patch. Sourced by the scripts that create commits.
export GIT_AUTHOR_NAME="VFIO DMA Series"
export GIT_AUTHOR_EMAIL="vfio-dma-series@example.org"
export GIT_COMMITTER_NAME="$GIT_AUTHOR_NAME"
export GIT_COMMITTER_EMAIL="$GIT_AUTHOR_EMAIL"
