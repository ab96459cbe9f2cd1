#include <bits/stdc++.h>
using namespace std;

// Same shortest paths with a binary heap and lazy deletion of stale entries.
int main() {
    int n, m;
    unsigned seed;
    scanf("%d %d %u", &n, &m, &seed);
    vector<vector<pair<int, int>>> g(n);
    unsigned x = seed;
    auto next = [&]() { x = x * 1103515245u + 12345u; return x >> 8; };
    for (int i = 1; i < n; i++) g[next() % i].push_back({i, (int)(next() % 1000) + 1});
    for (int i = n - 1; i < m; i++) {
        int a = next() % n, b = next() % n;
        g[a].push_back({b, (int)(next() % 1000) + 1});
    }
    vector<long long> dist(n, LLONG_MAX);
    priority_queue<pair<long long, int>, vector<pair<long long, int>>, greater<>> pq;
    dist[0] = 0;
    pq.push({0, 0});
    while (!pq.empty()) {
        auto [du, u] = pq.top();
        pq.pop();
        if (du != dist[u]) continue;
        for (auto [v, w] : g[u]) {
            if (du + w < dist[v]) {
                dist[v] = du + w;
                pq.push({dist[v], v});
            }
        }
    }
    long long total = 0, far = 0;
    for (int i = 0; i < n; i++) {
        total += dist[i];
        far = max(far, dist[i]);
    }
    printf("%lld %lld\n", total, far);
    return 0;
}
