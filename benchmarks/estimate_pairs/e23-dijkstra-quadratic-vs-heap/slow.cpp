#include <bits/stdc++.h>
using namespace std;

int main() {
    int n, m; scanf("%d %d", &n, &m); vector<vector<pair<int,int>>> g(n);
    for (int i = 0; i < m; i++) { int a, b, w; scanf("%d %d %d", &a, &b, &w); g[a].push_back({b, w}); g[b].push_back({a, w}); }
    vector<long long> d(n, LLONG_MAX); vector<char> done(n); d[0] = 0;
    for (int it = 0; it < n; it++) {
        int u = -1; for (int v = 0; v < n; v++) if (!done[v] && d[v] != LLONG_MAX && (u < 0 || d[v] < d[u])) u = v;
        if (u < 0) break; done[u] = 1;
        for (auto [v, w] : g[u]) if (d[u] + w < d[v]) d[v] = d[u] + w;
    }
    long long s = 0; for (auto x : d) if (x != LLONG_MAX) s += x; printf("%lld\n", s);
}
