#!/bin/bash
# Slurm job array: task i generates shard i of SLURM_ARRAY_TASK_COUNT of
# 10 000 Darcy samples on 64² into a shared directory. The union of all
# shards is identical to one unsharded run; a requeued task resumes.
#
#   go build -o pdekit ./cmd/pdekit      # once, on the login node
#   sbatch deploy/slurm-datagen.sh
#
#SBATCH --job-name=pdekit-datagen
#SBATCH --array=0-7
#SBATCH --cpus-per-task=1
#SBATCH --mem=2G
#SBATCH --time=06:00:00
#SBATCH --requeue
#SBATCH --output=datagen-%A_%a.log
set -euo pipefail
OUT=${OUT:-$PWD/data/darcy-64}
srun ./pdekit datagen -family darcy -grid 64 -n 10000 -seed 1 -chunk 256 \
  -out "$OUT" -shard "${SLURM_ARRAY_TASK_ID}/${SLURM_ARRAY_TASK_COUNT}" -quiet
