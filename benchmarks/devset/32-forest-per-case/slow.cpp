#include <bits/stdc++.h>
using namespace std;

const int MAXN = 100005;

int main() {
    int t;
    scanf("%d", &t);
    while (t--) {
        int n, m;
        scanf("%d %d", &n, &m);
        vector<vector<int>> adj(MAXN);
        vector<bool> vis(MAXN, false);
        for (int i = 0; i < m; i++) {
            int a, b;
            scanf("%d %d", &a, &b);
            adj[a].push_back(b);
            adj[b].push_back(a);
        }
        int comps = 0;
        for (int s = 1; s <= n; s++) {
            if (vis[s]) continue;
            comps++;
            vector<int> st = {s};
            vis[s] = true;
            while (!st.empty()) {
                int u = st.back();
                st.pop_back();
                for (int v : adj[u])
                    if (!vis[v]) vis[v] = true, st.push_back(v);
            }
        }
        printf("%d\n", comps);
    }
}
