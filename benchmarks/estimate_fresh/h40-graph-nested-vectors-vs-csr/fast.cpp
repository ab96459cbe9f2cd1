#include <bits/stdc++.h>
using namespace std;

// Undirected graph; BFS from each of k sources: sum of distances to reachable nodes, and
// how many nodes each reaches.
int main() {
    int n, m, k;
    scanf("%d %d %d", &n, &m, &k);
    vector<int> eu(m), ev(m), start(n + 1, 0);
    for (int i = 0; i < m; i++) {
        scanf("%d %d", &eu[i], &ev[i]);
        start[eu[i] + 1]++;
        start[ev[i] + 1]++;
    }
    // compressed rows: the neighbours of u are to[start[u] .. start[u+1]), in input order
    for (int u = 0; u < n; u++) start[u + 1] += start[u];
    vector<int> to(2 * m), fill(start.begin(), start.end() - 1);
    for (int i = 0; i < m; i++) {
        to[fill[eu[i]]++] = ev[i];
        to[fill[ev[i]]++] = eu[i];
    }
    long long total = 0, reached = 0;
    vector<int> dist(n), q(n);
    for (int s = 0; s < k; s++) {
        int src;
        scanf("%d", &src);
        std::fill(dist.begin(), dist.end(), -1);
        int head = 0, tail = 0;
        dist[src] = 0;
        q[tail++] = src;
        while (head < tail) {
            int u = q[head++];
            total += dist[u];
            reached++;
            for (int e = start[u]; e < start[u + 1]; e++) {
                int v = to[e];
                if (dist[v] < 0) {
                    dist[v] = dist[u] + 1;
                    q[tail++] = v;
                }
            }
        }
    }
    printf("%lld %lld\n", total, reached);
    return 0;
}
