# shellcheck shell=bash
# The project's placeholder identity: author, committer and Signed-off-by
# of the patches in the repo. Whoever sends signs with their own name
# (SIGNER="Name <email>", see scripts/mbox.sh). Sourced by the scripts that
# create commits or mails.
export PROJECT_NAME="VFIO DMA Series"
export PROJECT_EMAIL="vfio-dma-series@example.org"
export GIT_AUTHOR_NAME="$PROJECT_NAME"
export GIT_AUTHOR_EMAIL="$PROJECT_EMAIL"
export GIT_COMMITTER_NAME="$GIT_AUTHOR_NAME"
export GIT_COMMITTER_EMAIL="$GIT_AUTHOR_EMAIL"
