#include <bits/stdc++.h>
using namespace std;

vector<vector<int>> adj;
vector<int> sz, depth;

// Recursive DFS: subtree sizes and depths.
void dfs(int u, int p) {
    sz[u] = 1;
    for (int v : adj[u]) {
        if (v == p) continue;
        depth[v] = depth[u] + 1;
        dfs(v, u);
        sz[u] += sz[v];
    }
}

int main() {
    int n;
    scanf("%d", &n);
    adj.assign(n + 1, {});
    for (int i = 0; i < n - 1; i++) {
        int a, b;
        scanf("%d %d", &a, &b);
        adj[a].push_back(b);
        adj[b].push_back(a);
    }
    sz.assign(n + 1, 0);
    depth.assign(n + 1, 0);
    dfs(1, 0);
    long long weighted = 0;
    int best = 1;
    for (int v = 1; v <= n; v++) {
        weighted += (long long)sz[v] * depth[v];
        if (sz[v] * 2 >= n && sz[v] < sz[best]) best = v;
    }
    printf("%lld %d %d\n", weighted, best, *max_element(depth.begin(), depth.end()));
    return 0;
}
