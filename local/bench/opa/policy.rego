package cspm

import rego.v1

# The same five items as the Go rules ecs_sg_ssh_internet, ecs_sg_rdp_internet,
# ecs_instance_metadata_tokens, ecs_disk_encrypted and ecs_instance_public_ip,
# one result per instance.

anywhere(r) if r.source_cidr == "0.0.0.0/0"

anywhere(r) if r.source_ipv6_cidr == "::/0"

covers(r, _) if r.protocol == "all"

covers(r, _) if {
	r.from_port == -1
	r.to_port == -1
}

covers(r, port) if {
	r.from_port <= port
	port <= r.to_port
}

tcp(r) if r.protocol == "tcp"

tcp(r) if r.protocol == "all"

admits(g, port) if {
	some r in g.rules
	r.direction == "ingress"
	r.policy == "accept"
	tcp(r)
	anywhere(r)
	covers(r, port)
}

results contains {"item": "ecs_sg_ssh_internet", "id": g.id, "status": "NOT_PASS"} if {
	some g in input.security_groups
	admits(g, 22)
}

results contains {"item": "ecs_sg_ssh_internet", "id": g.id, "status": "PASS"} if {
	some g in input.security_groups
	not admits(g, 22)
}

results contains {"item": "ecs_sg_rdp_internet", "id": g.id, "status": "NOT_PASS"} if {
	some g in input.security_groups
	admits(g, 3389)
}

results contains {"item": "ecs_sg_rdp_internet", "id": g.id, "status": "PASS"} if {
	some g in input.security_groups
	not admits(g, 3389)
}

tokens_enforced(i) if i.metadata_http_endpoint == "disabled"

tokens_enforced(i) if i.metadata_http_tokens == "required"

results contains {"item": "ecs_instance_metadata_tokens", "id": i.id, "status": "PASS"} if {
	some i in input.instances
	tokens_enforced(i)
}

results contains {"item": "ecs_instance_metadata_tokens", "id": i.id, "status": "NOT_PASS"} if {
	some i in input.instances
	not tokens_enforced(i)
}

unencrypted_attached(d) if {
	d.instance_id != ""
	not d.encrypted
}

results contains {"item": "ecs_disk_encrypted", "id": d.id, "status": "NOT_PASS"} if {
	some d in input.disks
	unencrypted_attached(d)
}

results contains {"item": "ecs_disk_encrypted", "id": d.id, "status": "PASS"} if {
	some d in input.disks
	not unencrypted_attached(d)
}

public(i) if count(i.public_ips) > 0

public(i) if i.eip != ""

results contains {"item": "ecs_instance_public_ip", "id": i.id, "status": "NOT_PASS"} if {
	some i in input.instances
	public(i)
}

results contains {"item": "ecs_instance_public_ip", "id": i.id, "status": "PASS"} if {
	some i in input.instances
	not public(i)
}
