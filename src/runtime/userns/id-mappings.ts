import type { LinuxIDMapping, Spec } from '../../oci/runtime-spec.ts';

// The host id a container id maps to, or undefined when no mapping covers it.
export function hostIdOf(maps: readonly LinuxIDMapping[], containerId: number): number | undefined {
  for (const m of maps) {
    if (containerId >= m.containerID && containerId < m.containerID + m.size) return m.hostID + (containerId - m.containerID);
  }
  return undefined;
}

export function isMapped(maps: readonly LinuxIDMapping[], containerId: number): boolean {
  return hostIdOf(maps, containerId) !== undefined;
}

// "0-65535" or "0, 1000-1009": the container ids a list of mappings covers, for messages.
export function describeContainerIds(maps: readonly LinuxIDMapping[]): string {
  if (maps.length === 0) return 'none';
  return maps.map((m) => (m.size === 1 ? `${m.containerID}` : `${m.containerID}-${m.containerID + m.size - 1}`)).join(', ');
}

// A new user namespace (not one joined by path) with the config's mappings.
export function newUserNamespace(spec: Spec): { uidMappings: LinuxIDMapping[]; gidMappings: LinuxIDMapping[] } | undefined {
  const ns = (spec.linux?.namespaces ?? []).find((n) => n.type === 'user');
  if (!ns || (ns.path !== undefined && ns.path !== '')) return undefined;
  return { uidMappings: spec.linux?.uidMappings ?? [], gidMappings: spec.linux?.gidMappings ?? [] };
}
