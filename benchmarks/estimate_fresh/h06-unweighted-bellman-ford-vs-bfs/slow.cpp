#include <bits/stdc++.h>
using namespace std;

// Hop distances from node 1: relax every edge until nothing changes.
int main() {
    int n, m;
    scanf("%d %d", &n, &m);
    vector<int> ea(m), eb(m);
    for (int i = 0; i < m; i++) scanf("%d %d", &ea[i], &eb[i]);
    const int INF = 1e9;
    vector<int> dist(n + 1, INF);
    dist[1] = 0;
    bool changed = true;
    while (changed) {
        changed = false;
        for (int i = 0; i < m; i++) {
            int a = ea[i], b = eb[i];
            if (dist[a] != INF && dist[a] + 1 < dist[b]) { dist[b] = dist[a] + 1; changed = true; }
            if (dist[b] != INF && dist[b] + 1 < dist[a]) { dist[a] = dist[b] + 1; changed = true; }
        }
    }
    long long sum = 0;
    int reached = 0, far = 0;
    for (int v = 1; v <= n; v++) {
        if (dist[v] == INF) continue;
        reached++;
        sum += dist[v];
        far = max(far, dist[v]);
    }
    printf("%d %lld %d\n", reached, sum, far);
    return 0;
}
