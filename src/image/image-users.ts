// Who uses images besides their names: containers. The engine knows them; image commands take
// this shape so that rmi, prune and system df follow docker's rules (a container's image is not
// removed without --force, a running container's not at all) and garbage collection never takes
// a layer a container's root filesystem is made of.
import type { Digest } from '../oci/digest.ts';

export interface ImageUser {
  id: string;        // container id
  running: boolean;
}

export interface ImageUsers {
  of(image: Digest): ImageUser[];
  // chain ids the containers' root filesystems are made of
  layers: Set<string>;
}

export const NO_IMAGE_USERS: ImageUsers = { of: () => [], layers: new Set() };
