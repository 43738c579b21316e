// The seccomp façade for the rest of the runtime: compile linux.seccomp, and shape the result
// as the operands of the helper's OP_SECCOMP step (ints: flags, listener_slot; strs: the BPF
// program, the listener metadata). Compile before clone, in the runtime's process, as crun
// does: a bad profile is then a create error that names the config field.
import type { Spec } from '../../oci/runtime-spec.ts';
import { compileSeccomp, type CompileSeccompOptions, type CompiledSeccomp } from './compile.ts';
import { SECCOMP_FILTER_FLAG_NEW_LISTENER } from './flags.ts';

export { compileSeccomp, type CompileSeccompOptions, type CompiledSeccomp } from './compile.ts';
export { resolveDockerDefaultProfile, type DockerProfileOptions } from './docker-default.ts';
export { runSeccompFilter, type SeccompData } from './bpf-interpreter.ts';
export { describeAction } from './actions.ts';
export { disassemble } from './bpf-disassemble.ts';

// The compiled filter of a config, or undefined when it has none.
export function compileSpecSeccomp(spec: Spec, opts: CompileSeccompOptions = {}): CompiledSeccomp | undefined {
  const profile = spec.linux?.seccomp;
  return profile ? compileSeccomp(profile, opts) : undefined;
}

export function needsListener(compiled: CompiledSeccomp): boolean {
  return (compiled.flags & SECCOMP_FILTER_FLAG_NEW_LISTENER) !== 0;
}

// Operands of OP_SECCOMP. listenerSlot is the helper slot of the socket connected to
// linux.seccomp.listenerPath (-1 without a listener); the metadata goes with the fd.
export function seccompStepOperands(compiled: CompiledSeccomp, listenerSlot = -1, listenerMetadata = ''): { ints: number[]; strs: (string | Uint8Array)[] } {
  const strs: (string | Uint8Array)[] = [compiled.program];
  if (listenerSlot >= 0) strs.push(listenerMetadata);
  return { ints: [compiled.flags, listenerSlot], strs };
}
