#include <bits/stdc++.h>
using namespace std;

// Shortest paths from node 0 on a generated weighted digraph; frontier kept in a std::set.
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
    set<pair<long long, int>> frontier;
    dist[0] = 0;
    frontier.insert({0, 0});
    while (!frontier.empty()) {
        auto [du, u] = *frontier.begin();
        frontier.erase(frontier.begin());
        for (auto [v, w] : g[u]) {
            if (du + w < dist[v]) {
                if (dist[v] != LLONG_MAX) frontier.erase({dist[v], v});
                dist[v] = du + w;
                frontier.insert({dist[v], v});
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
