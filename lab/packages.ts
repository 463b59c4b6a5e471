/** Debian packages the video lab needs (installed by `npx tsx lab/cli.ts install`, reused by scripts/setup). */
export const LAB_DEBIAN_PACKAGES: readonly string[] = ['janus', 'ffmpeg', 'fonts-noto-cjk', 'iproute2'];
