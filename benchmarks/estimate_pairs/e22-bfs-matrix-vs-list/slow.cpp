#include <bits/stdc++.h>
using namespace std;

int main() {
    int n, m; scanf("%d %d", &n, &m); vector<vector<char>> adj(n, vector<char>(n));
    for (int i = 0; i < m; i++) { int a, b; scanf("%d %d", &a, &b); adj[a][b] = adj[b][a] = 1; }
    vector<int> d(n, -1); d[0] = 0; queue<int> q; q.push(0);
    while (!q.empty()) { int u = q.front(); q.pop(); for (int v = 0; v < n; v++) if (adj[u][v] && d[v] < 0) { d[v] = d[u] + 1; q.push(v); } }
    long long s = 0; for (int x : d) s += x; printf("%lld\n", s);
}
