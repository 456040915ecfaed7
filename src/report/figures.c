/* figures.c — the table of the report's figures and tables, in the paper's order: query, months, size, caption (what is counted and how), drawing function. */
#include "report/figures.h"

#define W 1000
#define H 440
#define HP 700 /* figures with panels */

const struct figure report_figures[] = {
    {"fig02-unique-hosts", "Fig. 2", "MPTCP hosts per month", "monthly", FM_RANGE, -1, 0, 0, false,
     "Hosts (distinct addresses) whose SYN-ACK carried MP_CAPABLE of the probed version with a key (v0) or option "
     "(v1) that is not ours (verdict mptcp), per month, probe version, address family and port. A host counts once "
     "per month however many files or replies it has. The y axis turns logarithmic when the values span more than "
     "two decades.",
     W, H, fig_draw_unique, NULL},
    {"fig03-consistent-hosts", "Fig. 3", "Consistent MPTCP hosts per month", "monthly", FM_RANGE, -1, 0, 0, false,
     "Consistent = hosts with verdict mptcp in this month and in each of the two months before (same version, "
     "family and port). No point while either of those months has no scan of that version, family and port.",
     W, H, fig_draw_consistent, NULL},
    {"fig04-hamming", "Fig. 4", "Hamming weights of the SYN-ACK keys", "hamming", FM_LATEST, -1, 0, 0, false,
     "Hamming weight of every full 64-bit key in the SYN-ACKs of the month (blue: every verdict with a key; green: "
     "of them verdict mptcp) against what random keys give, N(32, 16): total x (Phi((w+0.5-32)/4) - "
     "Phi((w-0.5-32)/4)) (black line). The dashed line marks the weight of the static v0 key we sent: a peak there "
     "means middleboxes echo our key. chi2 is Pearson's over bins pooled until each expects at least 5, p = "
     "P(chi2_dof >= chi2). One panel per probe version and port (at most four; the CSV has every one).",
     W, HP, fig_draw_hamming, NULL},
    {"fig05-mirrored", "Fig. 5", "Mirrored vs own keys", "mirrored", FM_LATEST, -1, 0, 0, false,
     "Hosts whose MP_CAPABLE answer was our own option (mirrored: v0 our key, v1 our 4 option bytes, as a "
     "middlebox that echoes the SYN's options returns them) against hosts answering with their own key (verdict "
     "mptcp), per probe version, family and port.",
     W, H, fig_draw_mirrored, NULL},
    {"fig06-trace", "Fig. 6", "Trace categories", "trace", FM_LATEST_ROWS, -1, 0, 0, false,
     "Traced targets by class: I the path is clean and the host answered MP_CAPABLE itself; II a hop stripped, "
     "rewrote or proxied the option; III no SYN-ACK or RST came back; and no MPTCP (clean path, no MP_CAPABLE of "
     "its own: includes mirrored answers). Each (address, port, probe version) counts once, from its last trace "
     "file of the month. The month is the latest one with traces.",
     W, H, fig_draw_trace, NULL},
    {"fig07-ports", "Fig. 7", "Port overlap of MPTCP hosts", "ports", FM_LATEST, -1, 0, 0, false,
     "Hosts with verdict mptcp on port 80 only, on port 443 only, and on both, per probe version and family.",
     W, H, fig_draw_ports, NULL},
    {"fig08-versions", "Fig. 8", "Version overlap of MPTCP hosts", "versions", FM_LATEST, -1, 0, 0, false,
     "Hosts with verdict mptcp to the v0 probe only, to the v1 probe only, and to both, per family and port.",
     W, H, fig_draw_versions, NULL},
    {"fig09-countries", "Fig. 9", "Countries of truly-MPTCP hosts", "countries", FM_LATEST, -1, 0, 10, false,
     "Truly-MPTCP hosts (an MP_CAPABLE answer whose latest trace of that address, port and version is class "
     "mptcp, or, untraced, whose scan verdict is mptcp) by the country of the address (MaxMind database or "
     "country CSV), top 10 countries per probe version. Hosts without a country are left out.",
     W, H, fig_draw_countries, NULL},
    {"table1-top-as-v0-ipv4", "Table I", "Top ASes of MPTCPv0 hosts, IPv4", "top-as", FM_LATEST, 0, 4, 10, false,
     "Truly-MPTCP IPv4 hosts of the v0 probe by origin AS, top 10. ASN: the origin of the address's longest "
     "prefix2as match (every AS of a MOAS or AS-set origin counts the host; else the MaxMind ASN); AS name, owner "
     "and country from as2org (owner falls back to the MaxMind AS organisation); CAIDA AS rank. Hosts are "
     "distinct addresses; port 80 / port 443: of them truly MPTCP on that port; decided by: trace, scan verdict, "
     "or both.",
     0, 0, NULL, fig_table_top_as},
    {"table2-top-as-v0-ipv6", "Table II", "Top ASes of MPTCPv0 hosts, IPv6", "top-as", FM_LATEST, 0, 6, 10, false,
     "As Table I, for the IPv6 hosts of the v0 probe.", 0, 0, NULL, fig_table_top_as},
    {"table3-top-as-v1", "Table III", "Top ASes of MPTCPv1 hosts, IPv4 and IPv6", "top-as", FM_LATEST, 1, 0, 10,
     false, "As Table I, for the hosts (IPv4 and IPv6) of the v1 probe.", 0, 0, NULL, fig_table_top_as},
    {"fig10-http", "Fig. 10", "HTTP(S) over MPTCP vs TCP", "http", FM_RANGE, -1, 0, 0, false,
     "Per target (address, port, scheme) and metric: delta = median of its MPTCP runs - median of its TCP runs "
     "(runs without error). One CDF over the targets per trace class (the latest v1 trace of that address and "
     "port, else v0, else untraced; one colour each) and scheme (http solid, https dashed); the key gives the "
     "targets and the median delta of each line. Positive deltas mean MPTCP was slower.",
     W, 1000, fig_draw_http, NULL},
    {"fig11-pcap-shares", "Fig. 11", "MPTCP share of passive traffic", "pcap", FM_RANGE, -1, 0, 0, false,
     "Per imported passive trace (by its first packet): the share of TCP flows that carry MPTCP (subflows, "
     "unlinked joins, mid-stream) and the share of TCP IP bytes in those flows.",
     W, H, fig_draw_pcap_shares, NULL},
    {"fig12-pcap-volumes", "Fig. 12", "Passive traffic volumes", "pcap", FM_RANGE, -1, 0, 0, false,
     "Per trace: TCP flows, flows carrying MPTCP and MPTCP connections (top); IP bytes of all TCP and of the MPTCP "
     "flows (bottom). Logarithmic y axes when the values span more than two decades.",
     W, HP, fig_draw_pcap_volumes, NULL},
    {"fig13-pcap-concentration", "Fig. 13", "Concentration of MPTCP bytes", "pcap", FM_RANGE, -1, 0, 0, false,
     "Per trace: the share of MPTCP bytes carried by the largest MPTCP flow, the 5 largest, and the largest 50 % "
     "of MPTCP flows.",
     W, H, fig_draw_pcap_concentration, NULL},
    {"fig14-pcap-ewma", "Fig. 14", "EWMA of the MPTCP shares", "pcap", FM_RANGE, -1, 0, 0, false,
     "Exponentially weighted moving average with a = 0.2 (e1 = x1, ei = 0.2 xi + 0.8 ei-1) of the MPTCP flow and "
     "byte shares over the traces in time order (lines), with each trace's own value (points).",
     W, H, fig_draw_pcap_ewma, NULL},
    {"fig15-org-hosts", "Fig. 15", "The organisation's hosts by MPTCP version", "migration", FM_RANGE, -1, 0, 0, true,
     "Hosts whose origin AS (prefix2as, every AS of a MOAS or AS-set origin) is one of --org-asn, by the probe "
     "versions that get verdict mptcp on any port: v0 only, both, v1 only. Only months with both a v0 and a v1 "
     "scan.",
     W, H, fig_draw_org_hosts, NULL},
    {"fig16-org-changes", "Fig. 16", "The organisation's month-over-month changes", "migration", FM_RANGE, -1, 0, 0,
     true,
     "Against the month before (when that month also had both scans): added = one version -> both, migrated = v0 "
     "only -> v1 only, migrated back = v1 only -> v0 only, dropped = both -> one, appeared = neither -> any, "
     "vanished = any -> neither.",
     W, H, fig_draw_org_changes, NULL},
};

const unsigned report_n_figures = sizeof report_figures / sizeof report_figures[0];
