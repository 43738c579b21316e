// Chain ids (OCI image-spec config.md): the id of a layer together with everything below it,
// which is what an unpacked layer depends on. ChainID(L0) = DiffID(L0);
// ChainID(Ln) = sha256(ChainID(Ln-1) + " " + DiffID(Ln)).
import { sha256Digest, type Digest } from '../../oci/digest.ts';

export function chainIds(diffIds: readonly Digest[]): Digest[] {
  const out: Digest[] = [];
  for (const d of diffIds) out.push(out.length === 0 ? d : sha256Digest(`${out[out.length - 1]} ${d}`));
  return out;
}
