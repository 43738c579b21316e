// One member of a tar archive, as the reader yields it and the writer takes it. The fields are
// the union of ustar, PAX and GNU: whichever header carried a value, the entry holds the final one.

export type TarEntryType =
  | 'file'
  | 'hardlink'
  | 'symlink'
  | 'char'
  | 'block'
  | 'dir'
  | 'fifo'
  | 'contiguous'
  // any other typeflag (GNU volume labels, dump dirs, vendor types): `typeflag` tells which
  | 'other';

export interface TarEntry {
  name: string;
  type: TarEntryType;
  // bytes of body; 0 for the header-only types (links, devices, directories, fifos)
  size: number;
  // permission bits including setuid, setgid and sticky (0o7777); the type lives in `type`
  mode: number;
  uid: number;
  gid: number;
  uname?: string;
  gname?: string;
  // whole seconds since the epoch (may be negative) and the sub-second part in nanoseconds
  mtime: number;
  mtimeNsec?: number;
  // target of a hardlink (a path in the archive) or of a symlink (any text)
  linkname?: string;
  devmajor?: number;
  devminor?: number;
  // extended attributes with their exact bytes (security.capability is binary)
  xattrs?: Map<string, Buffer>;
  // the other PAX records (atime, ctime, comment, vendor keys), values as text
  pax?: Record<string, string>;
  // the raw typeflag character, for type 'other'
  typeflag?: string;
}
