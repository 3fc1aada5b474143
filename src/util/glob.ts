/**
 * A shell glob(3) pattern -> anchored RegExp: `*` and `?` never cross `/`, `[…]` and `[!…]` are
 * classes. Shared by the fixture transport and by every config parser that expands Include globs.
 */
export function globToRegex(glob: string): RegExp {
  // Longer than PATH_MAX cannot name a file (and a 64 KiB glob makes a RegExp V8 refuses).
  if (glob.length > 4096) return NEVER;
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const end = glob.indexOf(']', i + 1);
      if (end < 0) re += '\\[';
      else {
        re += '[' + glob.slice(i + 1, end).replace(/^!/, '^').replace(/\\/g, '\\\\') + ']';
        i = end;
      }
    } else re += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  try {
    return new RegExp(`^${re}$`);
  } catch {
    // A class glob(3) accepts but RegExp does not (`[z-a]`, `[\\w-a]`): it matches no file.
    return NEVER;
  }
}

const NEVER = /(?!)/;
