// docker's label on the volumes it makes for a container (an image's VOLUME, -v /path): volume
// prune removes only those unless asked for all.
export const ANONYMOUS_VOLUME_LABEL = 'com.docker.volume.anonymous';
