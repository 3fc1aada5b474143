/** Text of a test host's sshd_config and of the script that sets up its mount namespace. Pure. */

export interface SshdConfigInput {
  port: number;
  address: string;
  hostKey: string;
  pidFile: string;
  authorizedKeys: string;
  forwarding: boolean;
  /** passwords only through PAM's keyboard-interactive prompts (this machine's /etc/pam.d) */
  kbdInteractive?: boolean;
  /** replaces every command (hang tests); the client's command stays in $SSH_ORIGINAL_COMMAND */
  forceCommand?: string;
}

export function sshdConfig(c: SshdConfigInput): string {
  return [
    '# gwsec test host (written by test/harness)',
    `Port ${c.port}`,
    `ListenAddress ${c.address}`,
    `HostKey ${c.hostKey}`,
    `PidFile ${c.pidFile}`,
    // no PAM: the host's /etc may come from another distribution whose PAM modules this machine lacks
    ...(c.kbdInteractive ? ['UsePAM yes'] : ['UsePAM no']),
    // home and key files live in the harness temp dir
    'StrictModes no',
    `AuthorizedKeysFile ${c.authorizedKeys}`,
    'PubkeyAuthentication yes',
    `PasswordAuthentication ${c.kbdInteractive ? 'no' : 'yes'}`,
    `KbdInteractiveAuthentication ${c.kbdInteractive ? 'yes' : 'no'}`,
    'PermitRootLogin no',
    `AllowTcpForwarding ${c.forwarding ? 'yes' : 'no'}`,
    'X11Forwarding no',
    'PrintMotd no',
    'PrintLastLog no',
    'UseDNS no',
    'LogLevel VERBOSE',
    // a fleet test may open many connections at once to one host
    'MaxStartups 100:30:200',
    ...(c.forceCommand ? [`ForceCommand ${c.forceCommand}`] : []),
    '',
  ].join('\n');
}

/**
 * Runs as `unshare --mount --propagation private --pid --mount-proc … /bin/sh <this>`: overlays the host's layers on
 * /etc, /usr and /var inside the new mount namespace (so only this sshd and its sessions see them),
 * gives sudo private state dirs, then execs sshd in place (PID 1 of the host's PID namespace).
 */
export function startScript(o: { overlays: Array<{ target: string; lower: string; upper: string; work: string }>; privateDirs: string[]; sshdConfig: string; dmi?: string; productUuid?: string }): string {
  const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  const out = ['set -e'];
  for (const m of o.overlays) {
    out.push(`mkdir -p ${q(m.upper)} ${q(m.work)}`);
    out.push(`mount -t overlay gwsec-test -o ${q(`lowerdir=${m.lower}:${m.target},upperdir=${m.upper},workdir=${m.work}`)} ${q(m.target)}`);
  }
  for (const d of o.privateDirs) out.push(`mkdir -p ${q(d)}`, `mount -t tmpfs -o mode=0711 gwsec-test ${q(d)}`);
  // every host its own SMBIOS UUID (else all would share this machine's and be one machine)
  if (o.productUuid) out.push(`if [ -e /sys/class/dmi/id/product_uuid ]; then mount --bind ${q(o.productUuid)} /sys/class/dmi/id/product_uuid; fi`);
  if (o.dmi) {
    // The fixture's firmware strings (sysfs cannot be overlaid): a tmpfs on /sys/class/dmi/id, or on
    // /sys/class where the machine has no DMI (a VM without SMBIOS); the collection script reads
    // nothing else under /sys/class.
    out.push(
      `if [ -d /sys/class/dmi/id ]; then mount -t tmpfs -o mode=0755 gwsec-test /sys/class/dmi/id; else mount -t tmpfs -o mode=0755 gwsec-test /sys/class; mkdir -p /sys/class/dmi/id; fi`,
      `cp ${q(o.dmi)}/* /sys/class/dmi/id/`,
    );
  }
  out.push(`exec /usr/sbin/sshd -D -e -f ${q(o.sshdConfig)}`);
  return out.join('\n') + '\n';
}
