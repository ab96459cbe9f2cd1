#include <cstdio>
#include <vector>
using namespace std;

int subtree(const vector<vector<int>> &adj, int node, int parent) {
    int size = 1;
    for (int next : adj[node])
        if (next != parent) size += subtree(adj, next, node);
    return size;
}

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
    for (int v : adj[1]) printf("%d ", subtree(adj, v, 1));
    printf("\n");
    return 0;
}
