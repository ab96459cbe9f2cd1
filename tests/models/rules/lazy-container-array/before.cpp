#include <bits/stdc++.h>
using namespace std;

const int MAXN = 200005;
vector<int> adj[MAXN];
int depth[MAXN];

int deepest(int root, int n) {
    int best = 0;
    queue<int> q;
    for (int i = 1; i <= n; i++) depth[i] = -1;
    depth[root] = 0;
    q.push(root);
    while (!q.empty()) {
        int u = q.front();
        q.pop();
        best = max(best, depth[u]);
        for (int v : adj[u]) {
            if (depth[v] < 0) {
                depth[v] = depth[u] + 1;
                q.push(v);
            }
        }
    }
    return best;
}

int main() {
    int n;
    scanf("%d", &n);
    for (int i = 1; i < n; i++) {
        int a, b;
        scanf("%d %d", &a, &b);
        adj[a].push_back(b);
        adj[b].push_back(a);
    }
    printf("%d\n", deepest(1, n));
}
