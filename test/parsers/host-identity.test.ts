import test from 'ava';
import { osIdentity, parseOsReleaseText, parseUname } from '../../src/parsers/os-release.js';
import { cleanDmiValue, identifyProvider } from '../../src/parsers/dmi.js';

const rel = (text: string) => osIdentity(parseOsReleaseText(text));

test('os-release: release keys and families', (t) => {
  t.like(rel('NAME="CentOS Linux"\nVERSION="7 (Core)"\nID="centos"\nID_LIKE="rhel fedora"\nVERSION_ID="7"\n'), { id: 'centos', family: 'rhel', release_key: 'centos:7' });
  t.like(rel('NAME="Rocky Linux"\nID="rocky"\nID_LIKE="rhel centos fedora"\nVERSION_ID="9.5"\n'), { family: 'rhel', release_key: 'rocky:9' });
  t.like(rel('NAME="openEuler"\nVERSION="22.03 (LTS-SP4)"\nID="openEuler"\nVERSION_ID="22.03"\n'), { id: 'openeuler', family: 'rhel', release_key: 'openeuler:22.03' });
  t.like(rel('PRETTY_NAME="Ubuntu 22.04.5 LTS"\nID=ubuntu\nID_LIKE=debian\nVERSION_ID="22.04"\n'), { family: 'debian', id_like: ['debian'], release_key: 'ubuntu:22.04', pretty_name: 'Ubuntu 22.04.5 LTS' });
  t.like(rel('NAME="Kylin Linux Advanced Server"\nVERSION="V10 (Lance)"\nID="kylin"\nVERSION_ID="V10"\n'), { family: 'rhel', release_key: 'kylin:V10' });
  t.like(rel('NAME="UOS Server"\nID="uos"\nVERSION_ID="20"\n'), { family: 'debian', release_key: 'uos:20' });
  t.like(rel('NAME="Alibaba Cloud Linux"\nID="alinux"\nID_LIKE="rhel fedora centos anolis"\nVERSION_ID="2.1903"\n'), { release_key: 'alinux:2' });
  t.like(rel('ID=opensuse-leap\nID_LIKE="suse opensuse"\nVERSION_ID="15.6"\n'), { family: 'suse' });
});

test('os-release: quoting, escapes and comments', (t) => {
  t.deepEqual(parseOsReleaseText('# c\nA="x \\"y\\""\nB=\'z\'\nC=plain\nnot a line\n'), { A: 'x "y"', B: 'z', C: 'plain' });
});

test('uname -snrm', (t) => {
  t.deepEqual(parseUname('Linux admin-01 5.10.0-216.0.0.115.oe2203sp4.aarch64 aarch64\n'), { kernel: 'linux', hostname: 'admin-01', kernel_release: '5.10.0-216.0.0.115.oe2203sp4.aarch64', arch: 'aarch64' });
});

test('DMI: cloud markers', (t) => {
  t.is(identifyProvider({ sys_vendor: 'Amazon EC2', product_name: 't3.micro' }).id, 'aws');
  t.is(identifyProvider({ sys_vendor: 'Xen', product_version: '4.11.amazon', bios_version: '4.11.amazon' }).id, 'aws');
  t.is(identifyProvider({ sys_vendor: 'Google', product_name: 'Google Compute Engine' }).id, 'gcp');
  t.is(identifyProvider({ sys_vendor: 'Microsoft Corporation', product_name: 'Virtual Machine', chassis_asset_tag: '7783-7084-3265-9085-8269-3286-77' }).id, 'azure');
  t.is(identifyProvider({ sys_vendor: 'Microsoft Corporation', product_name: 'Virtual Machine', chassis_asset_tag: '1234-5678' }).id, 'hyperv');
  t.is(identifyProvider({ sys_vendor: 'Linode', product_name: 'Compute Instance' }).id, 'linode');
  t.is(identifyProvider({ sys_vendor: 'DigitalOcean', product_name: 'Droplet' }).id, 'digitalocean');
  t.is(identifyProvider({ sys_vendor: 'Alibaba Cloud', product_name: 'Alibaba Cloud ECS' }).id, 'aliyun');
  t.is(identifyProvider({ sys_vendor: 'Tencent Cloud', product_name: 'CVM' }).id, 'tencent');
  t.is(identifyProvider({ sys_vendor: 'OpenStack Foundation', product_name: 'OpenStack Nova', chassis_asset_tag: 'HUAWEICLOUD' }).id, 'huawei-cloud');
  t.is(identifyProvider({ sys_vendor: 'OpenStack Foundation', product_name: 'OpenStack Nova' }).id, 'virtual');
  t.is(identifyProvider({ sys_vendor: 'Huawei', product_name: 'TaiShan 200 (Model 2280)' }).kind, 'onprem');
  t.is(identifyProvider({ sys_vendor: 'Inspur', product_name: 'NF5280M6' }).kind, 'onprem');
  t.like(identifyProvider({}), { id: 'unknown', matched: null });
});

test('DMI: placeholders carry no information', (t) => {
  t.is(cleanDmiValue('To be filled by O.E.M.\n'), null);
  t.is(cleanDmiValue('Not Specified\n'), null);
  t.is(cleanDmiValue('\n'), null);
  t.is(cleanDmiValue('Linode\n'), 'Linode');
});
