#include <bits/stdc++.h>
using namespace std;

int main() {
    int n, m; scanf("%d %d", &n, &m); vector<vector<pair<int,int>>> g(n);
    for (int i = 0; i < m; i++) { int a, b, w; scanf("%d %d %d", &a, &b, &w); g[a].push_back({b, w}); g[b].push_back({a, w}); }
    vector<long long> d(n, LLONG_MAX); d[0] = 0;
    priority_queue<pair<long long,int>, vector<pair<long long,int>>, greater<>> pq; pq.push({0, 0});
    while (!pq.empty()) { auto [du, u] = pq.top(); pq.pop(); if (du != d[u]) continue;
        for (auto [v, w] : g[u]) if (du + w < d[v]) { d[v] = du + w; pq.push({d[v], v}); } }
    long long s = 0; for (auto x : d) if (x != LLONG_MAX) s += x; printf("%lld\n", s);
}
