#!/usr/bin/env python3
"""Generates a large, realistic Ferry inventory file for the scale benchmark.

The file uses the export/import format of io.ferry.inventory (JsonInventoryTransfer,
InventoryJsonCodec): {"format": "ferry-inventory", "formatVersion": 1, "servers": [...],
"hosts": [...], "vms": [...]}, and follows the import rules of InventoryRules:

- exactly one BACKUP_SERVER; every server gets GUEST_INTERACTION (written explicitly);
- RHEL / Rocky Linux 9+ servers list libmsi1, samba-client, samba-common-tools (seed 001);
- HYPERV_OFFHOST_PROXY only on Windows, with Hyper-V hosts in the file, PHYSICAL, or
  VIRTUAL with evaluation=true and the fact hyperv.nested=true (seed 004);
- VMs run on ESXI / HYPERV_HOST / PROXMOX_NODE hosts, and every disk's storage is declared
  on its host or the host's parent (vCenter, Hyper-V cluster).

The mix: sites with /24 networks; one backup server; Hyper-V nodes that are managed
servers; VMware proxies (Windows and Linux, physical for direct SAN access, virtual for
hot-add, several fixed transport modes, failover and NBDSSL settings); physical Windows
off-host proxies (a few evaluation VMs with nested Hyper-V); repositories; general-purpose
proxies; plain Windows and Linux servers (some Rocky/RHEL 9 with the packages, some
disabled). vCenters with ESXi hosts and shared VMFS / NFS / vSAN datastores; Hyper-V
clusters with nodes, CSV volumes and SMB3 shares (some deduplicated) and a few stand-alone
Hyper-V hosts; Proxmox VE nodes with local, LVM-thin, Ceph and NFS storage. VMs: Windows
and Linux guests, 1-5 disks each (total exactly --disks), vmdk on VMware, vhdx (some vhd,
some VHD Sets) on Hyper-V, qcow2 / raw on Proxmox (some read over nbd://), guest
credentials on most VMs, gMSA accounts on some Windows guests.

Deterministic for a given --seed and sizes. Streams the VMs, so memory stays small
(servers and hosts, a few thousand, are kept; VMs are written one per line).

Usage: generate.py --servers 10000 --vms 100000 --disks 300000 --out inventory.json
"""

import argparse
import json
import math
import random
import sys
import time
from array import array

GIB = 1024 ** 3
RHEL9_PACKAGES = ["libmsi1", "samba-client", "samba-common-tools"]

SITE_CODES = ["ams", "fra", "lon", "par", "mad", "mil", "zrh", "vie", "waw", "sto", "osl", "hel",
              "dub", "bru", "lis", "ath", "nyc", "chi", "dal", "sfo", "sea", "tor", "mex", "sao",
              "tok", "osa", "sin", "syd", "hkg", "bom", "del", "jnb", "dxb", "ist", "tlv", "cph"]
REGION_OF_SITE = {c: ("emea" if i < 16 or i >= 31 else "amer" if i < 24 else "apac")
                  for i, c in enumerate(SITE_CODES)}

WINDOWS_SERVER_OS = [("windows:server:2016", 10), ("windows:server:2019", 30), ("windows:server:2022", 50),
                     ("windows:server:2025", 10)]
LINUX_SERVER_OS = [("linux:ubuntu:20.04", 8), ("linux:ubuntu:22.04", 25), ("linux:ubuntu:24.04", 15),
                   ("linux:debian:11", 5), ("linux:debian:12", 12), ("linux:rhel:8.10", 8), ("linux:rhel:9.4", 10),
                   ("linux:rocky:8.9", 4), ("linux:rocky:9.3", 10), ("linux:sles:15.5", 3)]
WINDOWS_GUEST_OS = [("windows:server:2012r2", 3), ("windows:server:2016", 15), ("windows:server:2019", 30),
                    ("windows:server:2022", 40), ("windows:server:2025", 5), ("windows:client:10", 4),
                    ("windows:client:11", 3)]
LINUX_GUEST_OS = [("linux:ubuntu:18.04", 3), ("linux:ubuntu:20.04", 15), ("linux:ubuntu:22.04", 25),
                  ("linux:ubuntu:24.04", 12), ("linux:debian:11", 6), ("linux:debian:12", 12),
                  ("linux:rhel:7.9", 3), ("linux:rhel:8.10", 10), ("linux:rhel:9.4", 6), ("linux:rocky:9.3", 4),
                  ("linux:centos:7", 2), ("linux:sles:15.5", 2)]
APPS = ["web", "app", "db", "sql", "dc", "file", "mail", "ci", "k8s", "mq", "cache", "log", "mon", "vdi", "erp",
        "crm", "api", "etl", "bi", "git"]
DATA_DISK_GIB = [(20, 10), (50, 15), (100, 25), (200, 20), (500, 15), (1024, 8), (2048, 5), (4096, 2)]
OS_DISK_GIB = [(40, 30), (60, 25), (80, 20), (100, 15), (127, 10)]
DISKS_PER_VM = [(1, 12), (2, 24), (3, 30), (4, 20), (5, 14)]


def weighted(rng, table):
    total = sum(w for _, w in table)
    x = rng.random() * total
    for value, w in table:
        x -= w
        if x < 0:
            return value
    return table[-1][0]


class Site:
    """A location with its /24 networks: 10.<n>.<0-31>.0/24 server and VM networks."""

    def __init__(self, index):
        self.index = index
        base = SITE_CODES[index % len(SITE_CODES)]
        self.code = base if index < len(SITE_CODES) else f"{base}{index // len(SITE_CODES) + 1}"
        self.region = REGION_OF_SITE[base]
        self.domain = f"{self.region}.corp.example"
        second = 10 + index // 8          # 10.10.x.x ... keeps every site in 10/8
        third0 = (index % 8) * 32
        self.networks = [f"10.{second}.{third0 + n}.0/24" for n in range(32)]
        self.next_host = [10] * len(self.networks)

    def address(self, network_index):
        """The next free address in one of the site's networks (servers only; VMs have none)."""
        n = network_index % len(self.networks)
        host = self.next_host[n]
        if host > 250:                     # network full: spill into the next one
            return self.address(network_index + 1)
        self.next_host[n] += 1
        prefix = self.networks[n].rsplit(".", 1)[0]
        return f"{prefix}.{host}", self.networks[n]


class Generator:
    def __init__(self, servers, vms, disks, seed):
        if servers < 1:
            raise SystemExit("--servers must be at least 1 (the backup server)")
        if vms < 0 or disks < vms or disks > 5 * vms:
            raise SystemExit(f"--disks must be between --vms and 5 x --vms (each VM has 1-5 disks), got {disks}"
                             f" for {vms} VMs")
        self.n_servers, self.n_vms, self.n_disks = servers, vms, disks
        self.rng = random.Random(seed)
        self.sites = [Site(i) for i in range(max(1, min(64, servers // 250 + vms // 5000 + 1)))]
        self.servers = []       # dicts in file order
        self.hosts = []         # dicts, parents before children
        self.vm_hosts = {"VMWARE": [], "HYPERV": [], "PROXMOX": []}   # (host dict, context)
        self.counts = {}

    # --- platform hosts -------------------------------------------------------------------

    def plan_hosts(self):
        """Host counts follow the VM count: ~60 % VMware (30 VMs/ESXi), 25 % Hyper-V, 15 % Proxmox."""
        v = self.n_vms
        self.vm_share = {"VMWARE": 0.60, "HYPERV": 0.25, "PROXMOX": 0.15} if v else {}
        self.n_esxi = math.ceil(v * 0.60 / 30) if v else 0
        self.n_hyperv = math.ceil(v * 0.25 / 25) if v else 0
        self.n_pve = math.ceil(v * 0.15 / 25) if v else 0

    def site_for(self, i):
        return self.sites[i % len(self.sites)]

    def build_vmware(self):
        rng = self.rng
        n_vcenters = math.ceil(self.n_esxi / 64) if self.n_esxi else 0
        esxi_left = self.n_esxi
        for vc in range(n_vcenters):
            site = self.site_for(vc)
            name = f"vc-{site.code}-{vc + 1:02d}"
            hosts_here = min(esxi_left, math.ceil(self.n_esxi / n_vcenters))
            esxi_left -= hosts_here
            datastores = []
            for d in range(max(2, hosts_here // 4)):
                kind = "NFS" if d % 3 == 2 else "VMFS"
                datastores.append({"name": f"{name}-{'nfs' if kind == 'NFS' else 'ds'}{d + 1:03d}", "kind": kind,
                                   "deduplicated": False})
            if vc % 3 == 0:
                datastores.append({"name": f"{name}-vsan", "kind": "VSAN", "deduplicated": False})
            version = rng.choice(["7.0u3", "8.0u2", "8.0u3"])
            self.hosts.append({"name": name, "kind": "VCENTER", "address": f"{name}.{site.domain}",
                               "platformVersion": version, "storage": datastores})
            for e in range(hosts_here):
                ename = f"esx-{site.code}-{vc + 1:02d}-{e + 1:03d}"
                local = {"name": f"{ename}-local", "kind": "LOCAL", "deduplicated": False}
                host = {"name": ename, "kind": "ESXI", "address": f"{ename}.{site.domain}", "parent": name,
                        "platformVersion": version, "storage": [local]}
                self.hosts.append(host)
                self.vm_hosts["VMWARE"].append((host, {"site": site, "shared": datastores, "local": local}))

    def build_hyperv(self, hyperv_server_budget):
        """Clusters of 4-16 nodes (CSV volumes, SMB3 shares) plus ~10 % stand-alone hosts."""
        rng = self.rng
        left = self.n_hyperv
        cluster_no = 0
        standalone = self.n_hyperv // 10
        clustered = left - standalone
        node_servers = []
        while clustered > 0:
            site = self.site_for(cluster_no)
            cluster_no += 1
            nodes = min(clustered, rng.randint(4, 16))
            clustered -= nodes
            name = f"hvc-{site.code}-{cluster_no:03d}"
            version = rng.choice(["2019", "2022", "2022", "2025"])
            storage = [{"name": f"{name}-csv{k + 1:02d}", "kind": "CSV", "deduplicated": k == 0 and cluster_no % 5 == 0}
                       for k in range(rng.randint(2, 8))]
            if cluster_no % 3 == 0:
                storage += [{"name": f"{name}-smb{k + 1}", "kind": "SMB3", "deduplicated": k == 1}
                            for k in range(rng.randint(1, 2))]
            self.hosts.append({"name": name, "kind": "HYPERV_CLUSTER", "address": f"{name}.{site.domain}",
                               "platformVersion": version, "domain": site.domain, "storage": storage})
            for n in range(nodes):
                node = f"hv-{site.code}-{cluster_no:03d}-{n + 1:02d}"
                local = {"name": f"{node}-local", "kind": "LOCAL", "deduplicated": False}
                host = {"name": node, "kind": "HYPERV_HOST", "address": f"{node}.{site.domain}", "parent": name,
                        "platformVersion": version, "domain": site.domain, "storage": [local]}
                self.hosts.append(host)
                node_servers.append((host, site, version, name, storage))
                self.vm_hosts["HYPERV"].append((host, {"site": site, "shared": storage, "local": local,
                                                       "cluster": name}))
        for s in range(standalone):
            site = self.site_for(s)
            node = f"hv-{site.code}-sa-{s + 1:03d}"
            version = rng.choice(["2019", "2022"])
            storage = [{"name": f"{node}-local", "kind": "LOCAL", "deduplicated": False}]
            if s % 4 == 0:
                storage.append({"name": f"{node}-smb", "kind": "SMB3", "deduplicated": s % 8 == 0})
            host = {"name": node, "kind": "HYPERV_HOST", "address": f"{node}.{site.domain}",
                    "platformVersion": version, "domain": site.domain, "storage": storage}
            self.hosts.append(host)
            node_servers.append((host, site, version, None, storage))
            self.vm_hosts["HYPERV"].append((host, {"site": site, "shared": storage[1:], "local": storage[0],
                                                   "cluster": None}))
        # The Hyper-V hosts that fit in the server budget are managed servers themselves.
        for host, site, version, cluster, storage in node_servers[:hyperv_server_budget]:
            facts = {"hyperv.version": version, "powershell.version": "5.1",
                     "vss.transportable": "true" if rng.random() < 0.6 else "false",
                     "dedup.enabled": "true" if any(s["deduplicated"] for s in storage) else "false"}
            if cluster:
                facts["cluster"] = cluster
            self.add_server(host["name"], site, f"windows:server:{version}", "PHYSICAL", roles=[], facts=facts,
                            windows=True, tasks=rng.choice([4, 8, 8, 16]))
            host["managedServer"] = host["name"]
        self.counts["hyperv_host_servers"] = min(len(node_servers), hyperv_server_budget)

    def build_proxmox(self):
        rng = self.rng
        left = self.n_pve
        cluster_no = 0
        while left > 0:
            site = self.site_for(cluster_no + 3)
            cluster_no += 1
            nodes = min(left, rng.randint(3, 12))
            left -= nodes
            cname = f"pve-{site.code}-{cluster_no:02d}"
            version = rng.choice(["7.4", "8.1", "8.2", "8.3"])
            shared = [{"name": f"ceph-{cname}", "kind": "PVE_POOL", "deduplicated": False},
                      {"name": f"nfs-{cname}", "kind": "NFS", "deduplicated": False}]
            for n in range(nodes):
                node = f"{cname}-n{n + 1:02d}"
                local = [{"name": "local", "kind": "LOCAL", "deduplicated": False},
                         {"name": "local-lvm", "kind": "PVE_POOL", "deduplicated": False}]
                address, _ = site.address(n % 4)
                host = {"name": node, "kind": "PROXMOX_NODE", "address": address, "platformVersion": version,
                        "storage": local + shared}
                self.hosts.append(host)
                self.vm_hosts["PROXMOX"].append((host, {"site": site, "shared": shared, "local": local,
                                                        "cluster": cname}))

    # --- managed servers ------------------------------------------------------------------

    def add_server(self, name, site, os, machine_kind, roles, facts=None, windows=None, tasks=4, enabled=True,
                   packages=None, extra_networks=0):
        rng = self.rng
        windows = os.startswith("windows") if windows is None else windows
        net = rng.randrange(len(site.networks))
        address, network = site.address(net)
        networks = [network]
        for _ in range(extra_networks):
            networks.append(site.networks[rng.randrange(len(site.networks))])
        server = {"name": name, "address": address, "os": os, "machineKind": machine_kind,
                  "networks": sorted(set(networks)), "site": site.code}
        if windows:
            server["domain"] = site.domain
            if site.region != "emea":
                server["trustedDomains"] = ["corp.example"]
            facts = dict(facts or {})
            facts.setdefault("powershell.version", rng.choice(["5.1", "5.1", "7.4"]))
        if facts:
            server["facts"] = dict(sorted(facts.items()))
        pkgs = set(packages or [])
        distro = os.split(":")
        if len(distro) == 3 and distro[1] in ("rhel", "rocky") and int(distro[2].split(".")[0]) >= 9:
            pkgs.update(RHEL9_PACKAGES)       # seed 001: guest interaction needs them
        if pkgs:
            server["installedPackages"] = sorted(pkgs)
        server["maxConcurrentTasks"] = tasks
        server["enabled"] = enabled
        server["roles"] = roles + [{"type": "GUEST_INTERACTION"}]
        self.servers.append(server)
        return server

    def build_servers(self):
        rng = self.rng
        total = self.n_servers
        backup_site = self.sites[0]
        self.add_server("ferry-bkp-01", backup_site, "windows:server:2022", "PHYSICAL", tasks=16,
                        roles=[{"type": "BACKUP_SERVER"},
                               {"type": "VMWARE_PROXY", "transportMode": "AUTOMATIC", "failoverToNetwork": True,
                                "encryptNetworkTraffic": False},
                               {"type": "GENERAL_PURPOSE_PROXY"}],
                        facts={"repo.path": "E:\\FerryRepo"}, extra_networks=1)
        # Hyper-V nodes that are managed servers take up to 15 % of the budget.
        self.build_hyperv(hyperv_server_budget=min(self.n_hyperv, (total - 1) * 15 // 100))
        self.build_vmware()
        self.build_proxmox()
        rest = total - len(self.servers)
        have_hyperv = self.n_hyperv > 0
        kinds = [("vmware", 20), ("offhost", 5 if have_hyperv else 0), ("gpp", 10), ("repo", 10), ("plain", 55)]
        quota = {k: rest * w // 100 for k, w in kinds}
        quota["plain"] += rest - sum(quota.values())
        self.counts.update({f"{k}_servers": v for k, v in quota.items()})
        order = [k for k, _ in kinds for _ in range(quota[k])]
        rng.shuffle(order)
        seq = {k: 0 for k, _ in kinds}
        for i, kind in enumerate(order):
            seq[kind] += 1
            site = self.sites[rng.randrange(len(self.sites))]
            getattr(self, f"server_{kind}")(site, seq[kind])

    def server_vmware(self, site, n):
        rng = self.rng
        windows = rng.random() < 0.55
        os = weighted(rng, WINDOWS_SERVER_OS if windows else
                      [("linux:ubuntu:22.04", 40), ("linux:ubuntu:24.04", 20), ("linux:rocky:9.3", 15),
                       ("linux:rhel:9.4", 15), ("linux:debian:12", 10)])
        physical = rng.random() < 0.25
        if physical:       # direct SAN / NFS access
            mode = rng.choice(["DIRECT_STORAGE_ACCESS", "DIRECT_STORAGE_ACCESS", "AUTOMATIC"])
        else:              # a VM: hot-add, or plain network mode
            mode = weighted(rng, [("AUTOMATIC", 45), ("VIRTUAL_APPLIANCE", 30), ("NETWORK", 25)])
        role = {"type": "VMWARE_PROXY", "transportMode": mode,
                "failoverToNetwork": mode == "AUTOMATIC" or rng.random() < 0.6,
                "encryptNetworkTraffic": rng.random() < 0.3}
        facts = {}
        if physical and self.vm_hosts["VMWARE"]:
            host, ctx = rng.choice(self.vm_hosts["VMWARE"])
            facts["san.access"] = ",".join(d["name"] for d in ctx["shared"][:4])
        roles = [role] + ([{"type": "GENERAL_PURPOSE_PROXY"}] if rng.random() < 0.1 else [])
        self.add_server(f"vpx-{site.code}-{n:04d}", site, os, "PHYSICAL" if physical else "VIRTUAL", roles,
                        facts=facts, tasks=rng.choice([4, 4, 8, 8, 16, 32]), extra_networks=rng.randint(0, 2))

    def server_offhost(self, site, n):
        """Seed 004: Windows, physical (5 % evaluation VMs with nested Hyper-V)."""
        rng = self.rng
        host, ctx = rng.choice(self.vm_hosts["HYPERV"])
        version = host["platformVersion"]
        evaluation = rng.random() < 0.05
        facts = {"hyperv.version": version, "vss.transportable": "true",
                 "dedup.enabled": "true" if rng.random() < 0.5 else "false"}
        csv = [s["name"] for s in ctx["shared"] if s["kind"] == "CSV"]
        smb = [s["name"] for s in ctx["shared"] if s["kind"] == "SMB3"]
        if csv:
            facts["san.access"] = ",".join(csv)
        if smb:
            facts["smb.localsystem-read"] = ",".join(smb)
        if evaluation:
            facts["hyperv.nested"] = "true"
        self.add_server(f"ohp-{site.code}-{n:04d}", site, f"windows:server:{version}",
                        "VIRTUAL" if evaluation else "PHYSICAL",
                        [{"type": "HYPERV_OFFHOST_PROXY", "evaluation": evaluation}], facts=facts,
                        tasks=rng.choice([4, 8, 16]), extra_networks=1)

    def server_gpp(self, site, n):
        rng = self.rng
        windows = rng.random() < 0.5
        os = weighted(rng, WINDOWS_SERVER_OS if windows else LINUX_SERVER_OS)
        self.add_server(f"gpp-{site.code}-{n:04d}", site, os, "VIRTUAL" if rng.random() < 0.7 else "PHYSICAL",
                        [{"type": "GENERAL_PURPOSE_PROXY"}], tasks=rng.choice([2, 4, 8]))

    def server_repo(self, site, n):
        rng = self.rng
        windows = rng.random() < 0.3
        os = weighted(rng, [("windows:server:2022", 70), ("windows:server:2025", 30)] if windows else
                      [("linux:ubuntu:22.04", 35), ("linux:ubuntu:24.04", 20), ("linux:rocky:9.3", 20),
                       ("linux:rhel:9.4", 15), ("linux:debian:12", 10)])
        facts = {"repo.path": "E:\\Backups" if windows else f"/srv/ferry/repo{n:04d}",
                 "repo.filesystem": "refs" if windows else rng.choice(["xfs", "xfs", "ext4"])}
        roles = [{"type": "REPOSITORY"}] + ([{"type": "GENERAL_PURPOSE_PROXY"}] if rng.random() < 0.3 else [])
        self.add_server(f"repo-{site.code}-{n:04d}", site, os, "PHYSICAL" if rng.random() < 0.8 else "VIRTUAL",
                        roles, facts=facts, tasks=rng.choice([8, 16, 32]), extra_networks=1,
                        packages=[] if windows else ["xfsprogs"])

    def server_plain(self, site, n):
        rng = self.rng
        windows = rng.random() < 0.5
        os = weighted(rng, WINDOWS_SERVER_OS if windows else LINUX_SERVER_OS)
        packages = [] if windows else rng.choice([[], ["openssh-server"], ["openssh-server", "rsync"]])
        self.add_server(f"srv-{site.code}-{n:05d}", site, os, "VIRTUAL" if rng.random() < 0.8 else "PHYSICAL", [],
                        tasks=rng.choice([2, 4, 4]), enabled=rng.random() >= 0.02, packages=packages,
                        extra_networks=1 if rng.random() < 0.2 else 0)

    # --- virtual machines -----------------------------------------------------------------

    def disk_counts(self):
        """1-5 disks per VM with a realistic spread, nudged so the total is exactly --disks."""
        rng = self.rng
        counts = array("b", (weighted(rng, DISKS_PER_VM) for _ in range(self.n_vms)))
        diff = self.n_disks - sum(counts)
        step, bound = (1, 5) if diff > 0 else (-1, 1)
        while diff:
            i = rng.randrange(self.n_vms)
            if counts[i] != bound:
                counts[i] += step
                diff -= step
        return counts

    def vm(self, i, n_disks):
        rng = self.rng
        platforms = [p for p in ("VMWARE", "HYPERV", "PROXMOX") if self.vm_hosts[p]]
        platform = weighted(rng, [(p, self.vm_share[p]) for p in platforms])
        host, ctx = rng.choice(self.vm_hosts[platform])
        site = ctx["site"]
        windows = rng.random() < (0.55 if platform == "HYPERV" else 0.45 if platform == "VMWARE" else 0.2)
        guest = weighted(rng, WINDOWS_GUEST_OS if windows else LINUX_GUEST_OS)
        app = APPS[rng.randrange(len(APPS))]
        name = f"{site.code}-{app}-{i + 1:06d}"
        nets = {site.networks[rng.randrange(len(site.networks))] for _ in range(1 if rng.random() < 0.8 else 2)}
        vhd_set = platform == "HYPERV" and ctx.get("cluster") is not None and rng.random() < 0.02
        disks = [self.disk(platform, host, ctx, name, i, k, vhd_set) for k in range(n_disks)]
        vm = {"name": name, "host": host["name"], "guestOs": guest, "networks": sorted(nets), "disks": disks}
        r = rng.random()
        if windows:
            if r < 0.08:
                vm["credentials"] = {"user": f"{site.region.upper()}\\gmsa-bkp-{site.code}$", "gmsa": True}
            elif r < 0.75:
                vm["credentials"] = {"user": rng.choice([f"{site.region.upper()}\\svc-ferry",
                                                         f"svc-ferry@{site.domain}", "Administrator"]),
                                     "gmsa": False}
        elif r < 0.65:
            vm["credentials"] = {"user": rng.choice(["root", "ferry", "svc-backup"]), "gmsa": False}
        vm["vhdSet"] = vhd_set
        return vm

    def disk(self, platform, host, ctx, vm_name, i, k, vhd_set):
        rng = self.rng
        capacity = (weighted(rng, OS_DISK_GIB) if k == 0 else weighted(rng, DATA_DISK_GIB)) * GIB
        local = rng.random() < 0.08
        if platform == "VMWARE":
            ds = ctx["local"] if local else rng.choice(ctx["shared"])
            if rng.random() < 0.01:
                location = f"nbds://{host['address']}:10809/{vm_name}-{k}"
            else:
                location = f"/vmfs/volumes/{ds['name']}/{vm_name}/{vm_name}{'' if k == 0 else f'_{k}'}.vmdk"
            return {"label": f"scsi0:{k}", "capacityBytes": capacity, "format": "VMDK", "location": location,
                    "storage": ds["name"]}
        if platform == "HYPERV":
            candidates = ctx["shared"] if ctx["shared"] and not local else [ctx["local"]]
            st = rng.choice(candidates)
            ext, fmt = (".vhds", "VHDX") if vhd_set else (".vhd", "VHD") if rng.random() < 0.03 else (".vhdx", "VHDX")
            if st["kind"] == "CSV":
                volume = int(st["name"].rsplit("csv", 1)[1])
                location = f"C:\\ClusterStorage\\Volume{volume}\\{vm_name}\\Virtual Hard Disks\\{vm_name}-{k}{ext}"
            elif st["kind"] == "SMB3":
                location = f"\\\\fs-{ctx['site'].code}-01\\{st['name']}\\{vm_name}\\{vm_name}-{k}{ext}"
            else:
                location = f"D:\\Hyper-V\\Virtual Hard Disks\\{vm_name}-{k}{ext}"
            return {"label": f"scsi0-{k}", "capacityBytes": capacity, "format": fmt, "location": location,
                    "storage": st["name"]}
        vmid = 100 + i
        pool = rng.choice(ctx["local"] + ctx["shared"])
        label = ("virtio" if rng.random() < 0.3 else "scsi") + str(k)
        if rng.random() < 0.05:     # exported by qemu-nbd on the node, read over NBD
            return {"label": label, "capacityBytes": capacity, "format": "RAW",
                    "location": f"nbd://{host['address']}:10809/vm-{vmid}-disk-{k}", "storage": pool["name"]}
        if pool["kind"] == "NFS":
            location = f"/mnt/pve/{pool['name']}/images/{vmid}/vm-{vmid}-disk-{k}.qcow2"
            fmt = "QCOW2"
        elif pool["name"] == "local":
            fmt = "QCOW2" if rng.random() < 0.8 else "RAW"
            location = f"/var/lib/vz/images/{vmid}/vm-{vmid}-disk-{k}.{fmt.lower()}"
        elif pool["name"] == "local-lvm":
            location, fmt = f"/dev/pve/vm-{vmid}-disk-{k}", "RAW"
        else:
            location, fmt = f"/dev/rbd/{pool['name']}/vm-{vmid}-disk-{k}", "RAW"
        return {"label": label, "capacityBytes": capacity, "format": fmt, "location": location,
                "storage": pool["name"]}

    # --- output -------------------------------------------------------------------------

    def write(self, out):
        self.plan_hosts()
        self.build_servers()
        dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
        out.write('{"format":"ferry-inventory","formatVersion":1,\n')
        self.write_array(out, "servers", self.servers, dumps)
        out.write(",\n")
        self.write_array(out, "hosts", self.hosts, dumps)
        out.write(",\n")
        counts = self.disk_counts()
        stats = {"vms": 0, "disks": 0, "windows": 0, "gmsa": 0}
        out.write('"vms":[')
        for i in range(self.n_vms):
            vm = self.vm(i, counts[i])
            out.write("\n" if i == 0 else ",\n")
            out.write(dumps(vm))
            stats["vms"] += 1
            stats["disks"] += len(vm["disks"])
            stats["windows"] += vm["guestOs"].startswith("windows")
            stats["gmsa"] += bool(vm.get("credentials", {}).get("gmsa"))
        out.write("\n]}\n")
        assert stats["disks"] == self.n_disks, stats
        return stats

    @staticmethod
    def write_array(out, field, items, dumps):
        out.write(f'"{field}":[')
        for i, item in enumerate(items):
            out.write("\n" if i == 0 else ",\n")
            out.write(dumps(item))
        out.write("\n]")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--servers", type=int, default=10000)
    ap.add_argument("--vms", type=int, default=100000)
    ap.add_argument("--disks", type=int, default=300000)
    ap.add_argument("--seed", type=int, default=20261123)
    ap.add_argument("--out", required=True, help="output file ('-' for stdout)")
    args = ap.parse_args()
    start = time.monotonic()
    gen = Generator(args.servers, args.vms, args.disks, args.seed)
    if args.out == "-":
        stats = gen.write(sys.stdout)
    else:
        with open(args.out, "w", encoding="utf-8", buffering=1 << 20) as f:
            stats = gen.write(f)
    by_kind = {}
    for h in gen.hosts:
        by_kind[h["kind"]] = by_kind.get(h["kind"], 0) + 1
    print(f"generate.py: {len(gen.servers)} servers ({', '.join(f'{k}={v}' for k, v in gen.counts.items())}),"
          f" {len(gen.hosts)} hosts ({', '.join(f'{k}={v}' for k, v in sorted(by_kind.items()))}),"
          f" {stats['vms']} VMs ({stats['windows']} Windows, {stats['gmsa']} with gMSA), {stats['disks']} disks,"
          f" {len(gen.sites)} sites, seed {args.seed}, {time.monotonic() - start:.1f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
