# One-pass aggregation of a perf-script KVM trace, as a user would write it: count kvm_exit lines
# per exit reason and per guest RIP. Fields are found by name, not position, because the comm
# column can contain spaces ("CPU 0/KVM").
/kvm:kvm_exit:/ {
	for (i = 1; i < NF; i++) {
		if ($i == "reason") r[$(i + 1)]++
		else if ($i == "rip") { p[$(i + 1)]++; break }
	}
}
END {
	for (k in r) print "reason", k, r[k]
	for (k in p) print "rip", k, p[k]
}
