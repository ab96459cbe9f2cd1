#include <bits/stdc++.h>
using namespace std;

// Hop distances from node 1 by breadth-first search over adjacency lists.
int main() {
    int n, m;
    scanf("%d %d", &n, &m);
    vector<vector<int>> adj(n + 1);
    for (int i = 0; i < m; i++) {
        int a, b;
        scanf("%d %d", &a, &b);
        adj[a].push_back(b);
        adj[b].push_back(a);
    }
    vector<int> dist(n + 1, -1);
    queue<int> q;
    dist[1] = 0;
    q.push(1);
    while (!q.empty()) {
        int u = q.front();
        q.pop();
        for (int v : adj[u])
            if (dist[v] < 0) { dist[v] = dist[u] + 1; q.push(v); }
    }
    long long sum = 0;
    int reached = 0, far = 0;
    for (int v = 1; v <= n; v++) {
        if (dist[v] < 0) continue;
        reached++;
        sum += dist[v];
        far = max(far, dist[v]);
    }
    printf("%d %lld %d\n", reached, sum, far);
    return 0;
}
