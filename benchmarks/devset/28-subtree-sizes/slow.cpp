#include <bits/stdc++.h>
using namespace std;

int subtree(vector<vector<int>> adj, int u, int parent, vector<int> &sz) {
    sz[u] = 1;
    for (int v : adj[u])
        if (v != parent) sz[u] += subtree(adj, v, u, sz);
    return sz[u];
}

int main() {
    int n;
    cin >> n;
    vector<vector<int>> adj(n + 1);
    for (int i = 0; i < n - 1; i++) {
        int a, b;
        cin >> a >> b;
        adj[a].push_back(b);
        adj[b].push_back(a);
    }
    vector<int> sz(n + 1);
    subtree(adj, 1, 0, sz);
    long long s = 0;
    for (int i = 1; i <= n; i++) s += 1LL * sz[i] * i;
    cout << sz[1] << " " << s << endl;
}
