#include <bits/stdc++.h>
using namespace std;

// Iterative DFS with an explicit stack: preorder first, then sizes in reverse order.
int main() {
    int n;
    scanf("%d", &n);
    vector<vector<int>> adj(n + 1);
    for (int i = 0; i < n - 1; i++) {
        int a, b;
        scanf("%d %d", &a, &b);
        adj[a].push_back(b);
        adj[b].push_back(a);
    }
    vector<int> sz(n + 1, 1), depth(n + 1, 0), parent(n + 1, 0), order;
    order.reserve(n);
    vector<int> stack = {1};
    while (!stack.empty()) {
        int u = stack.back();
        stack.pop_back();
        order.push_back(u);
        for (int v : adj[u]) {
            if (v == parent[u]) continue;
            parent[v] = u;
            depth[v] = depth[u] + 1;
            stack.push_back(v);
        }
    }
    for (int i = n - 1; i > 0; i--) sz[parent[order[i]]] += sz[order[i]];
    sz[0] = 0;
    long long weighted = 0;
    int best = 1;
    for (int v = 1; v <= n; v++) {
        weighted += (long long)sz[v] * depth[v];
        if (sz[v] * 2 >= n && sz[v] < sz[best]) best = v;
    }
    printf("%lld %d %d\n", weighted, best, *max_element(depth.begin(), depth.end()));
    return 0;
}
