/**
 * The systemd sandbox the agent's and the collector's units share (each adds what differs: its
 * ReadWritePaths, ProtectHome, PrivateTmp and capabilities). V8 needs writable+executable memory,
 * so MemoryDenyWriteExecute stays off (DESIGN §4).
 */
export const SANDBOX_LINES = `PrivateDevices=yes
ProtectKernelTunables=yes
ProtectKernelModules=yes
ProtectKernelLogs=yes
ProtectControlGroups=yes
ProtectClock=yes
ProtectHostname=yes
RestrictNamespaces=yes
RestrictRealtime=yes
RestrictSUIDSGID=yes
LockPersonality=yes
RemoveIPC=yes
SystemCallArchitectures=native
SystemCallFilter=@system-service
SystemCallErrorNumber=EPERM
RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6`;
