/** The world-readable /sys/class/dmi/id fields (serials and UUIDs are root-only and not needed). */
export const DMI_FIELDS = ['sys_vendor', 'product_name', 'product_version', 'product_family', 'bios_vendor', 'bios_version', 'board_vendor', 'board_name', 'chassis_vendor', 'chassis_asset_tag'] as const;
export type DmiField = (typeof DMI_FIELDS)[number];
export type DmiValues = Partial<Record<DmiField, string>>;

export interface HostingProvider {
  id: string; // aws, azure, aliyun, onprem, unknown, …
  name: string;
  kind: 'cloud' | 'onprem' | 'virtual' | 'unknown';
  /** Evidence: which field matched what. */
  matched: string | null;
}

interface Marker {
  id: string;
  name: string;
  kind: HostingProvider['kind'];
  /** every listed field must match (case-insensitive) */
  when: Partial<Record<DmiField, RegExp>>;
}

// The Azure chassis asset tag every global-Azure VM carries. Azure China (21Vianet) VMs carry the
// same SMBIOS data, so DMI alone cannot tell the two apart; the address geolocation check can.
const AZURE_ASSET_TAG = /^7783-7084-3265-9085-8269-3286-77$/;

// Ordered: the first marker whose fields all match wins. Clouds before hypervisors before hardware.
const MARKERS: Marker[] = [
  { id: 'aws', name: 'Amazon EC2', kind: 'cloud', when: { sys_vendor: /^Amazon EC2/i } },
  { id: 'aws', name: 'Amazon EC2 (Xen)', kind: 'cloud', when: { bios_version: /amazon/i } },
  { id: 'gcp', name: 'Google Compute Engine', kind: 'cloud', when: { sys_vendor: /^Google/i } },
  { id: 'gcp', name: 'Google Compute Engine', kind: 'cloud', when: { product_name: /Google Compute Engine/i } },
  { id: 'azure', name: 'Microsoft Azure', kind: 'cloud', when: { sys_vendor: /^Microsoft Corporation/i, product_name: /^Virtual Machine/i, chassis_asset_tag: AZURE_ASSET_TAG } },
  { id: 'hyperv', name: 'Microsoft Hyper-V (not Azure)', kind: 'virtual', when: { sys_vendor: /^Microsoft Corporation/i, product_name: /^Virtual Machine/i } },
  { id: 'digitalocean', name: 'DigitalOcean', kind: 'cloud', when: { sys_vendor: /DigitalOcean/i } },
  { id: 'linode', name: 'Linode / Akamai Cloud', kind: 'cloud', when: { sys_vendor: /Linode|Akamai/i } },
  { id: 'vultr', name: 'Vultr', kind: 'cloud', when: { sys_vendor: /Vultr/i } },
  { id: 'hetzner', name: 'Hetzner', kind: 'cloud', when: { sys_vendor: /Hetzner/i } },
  { id: 'ovh', name: 'OVHcloud', kind: 'cloud', when: { sys_vendor: /OVH/i } },
  { id: 'ovh', name: 'OVHcloud', kind: 'cloud', when: { chassis_asset_tag: /OVH/i } },
  { id: 'oracle', name: 'Oracle Cloud Infrastructure', kind: 'cloud', when: { chassis_asset_tag: /OracleCloud/i } },
  { id: 'scaleway', name: 'Scaleway', kind: 'cloud', when: { sys_vendor: /Scaleway/i } },
  { id: 'upcloud', name: 'UpCloud', kind: 'cloud', when: { sys_vendor: /UpCloud/i } },
  { id: 'aliyun', name: 'Alibaba Cloud ECS', kind: 'cloud', when: { sys_vendor: /Alibaba/i } },
  { id: 'tencent', name: 'Tencent Cloud CVM', kind: 'cloud', when: { sys_vendor: /Tencent/i } },
  { id: 'huawei-cloud', name: 'Huawei Cloud ECS', kind: 'cloud', when: { chassis_asset_tag: /HUAWEICLOUD/i } },
  { id: 'baidu', name: 'Baidu AI Cloud', kind: 'cloud', when: { sys_vendor: /Baidu/i } },
  { id: 'jdcloud', name: 'JD Cloud', kind: 'cloud', when: { sys_vendor: /JD ?Cloud|JCloud/i } },
  { id: 'kingsoft', name: 'Kingsoft Cloud', kind: 'cloud', when: { sys_vendor: /Kingsoft/i } },
  { id: 'ctyun', name: 'China Telecom Cloud (CTYUN)', kind: 'cloud', when: { sys_vendor: /CTYUN|China Telecom/i } },
  { id: 'unicom-cloud', name: 'China Unicom Cloud', kind: 'cloud', when: { sys_vendor: /Unicom/i } },
  { id: 'ecloud', name: 'China Mobile ECloud', kind: 'cloud', when: { sys_vendor: /ECloud|China Mobile|BigCloud/i } },
  { id: 'volcengine', name: 'Volcano Engine', kind: 'cloud', when: { sys_vendor: /Volcengine|ByteDance/i } },
  { id: 'ucloud', name: 'UCloud', kind: 'cloud', when: { sys_vendor: /^UCloud/i } },
  { id: 'qingcloud', name: 'QingCloud', kind: 'cloud', when: { sys_vendor: /QingCloud/i } },
  { id: 'virtual', name: 'Hypervisor guest (provider not identified)', kind: 'virtual', when: { sys_vendor: /QEMU|VMware|innotek|Xen|Red Hat|OpenStack|Nutanix|Bochs|Parallels/i } },
  { id: 'virtual', name: 'Hypervisor guest (provider not identified)', kind: 'virtual', when: { product_name: /KVM|VMware|VirtualBox|HVM domU|OpenStack/i } },
  { id: 'onprem', name: 'Physical server', kind: 'onprem', when: { sys_vendor: /Dell|Hewlett|HPE|Lenovo|Inspur|Huawei|xFusion|Sugon|Dawning|H3C|ZTE|Supermicro|Fujitsu|Cisco|IBM|Great ?Wall|Tsinghua Tongfang|PowerLeader|Phytium|Kunpeng/i } },
];

export function identifyProvider(d: DmiValues): HostingProvider {
  for (const m of MARKERS) {
    const entries = Object.entries(m.when) as Array<[DmiField, RegExp]>;
    if (entries.every(([f, re]) => re.test(d[f] ?? ''))) {
      return { id: m.id, name: m.name, kind: m.kind, matched: entries.map(([f]) => `${f}=${d[f]}`).join(', ') };
    }
  }
  return { id: 'unknown', name: 'Unknown', kind: 'unknown', matched: null };
}

/** sysfs values end with a newline; placeholders like "Not Specified" carry no information. */
export function cleanDmiValue(v: string | null): string | null {
  if (v === null) return null;
  const s = v.replace(/\0/g, '').trim();
  if (!s || /^(Not Specified|Not Applicable|To be filled by O\.E\.M\.|Default string|None|N\/A|0+)$/i.test(s)) return null;
  return s;
}
