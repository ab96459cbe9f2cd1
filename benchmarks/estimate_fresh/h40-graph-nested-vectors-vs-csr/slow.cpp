#include <bits/stdc++.h>
using namespace std;

// Undirected graph; BFS from each of k sources: sum of distances to reachable nodes, and
// how many nodes each reaches.
int main() {
    int n, m, k;
    scanf("%d %d %d", &n, &m, &k);
    vector<vector<int>> adj(n);
    for (int i = 0; i < m; i++) {
        int u, v;
        scanf("%d %d", &u, &v);
        adj[u].push_back(v);
        adj[v].push_back(u);
    }
    long long total = 0, reached = 0;
    for (int s = 0; s < k; s++) {
        int src;
        scanf("%d", &src);
        vector<int> dist(n, -1);
        queue<int> bfs;
        dist[src] = 0;
        bfs.push(src);
        while (!bfs.empty()) {
            int u = bfs.front();
            bfs.pop();
            total += dist[u];
            reached++;
            for (int v : adj[u])
                if (dist[v] < 0) {
                    dist[v] = dist[u] + 1;
                    bfs.push(v);
                }
        }
    }
    printf("%lld %lld\n", total, reached);
    return 0;
}
