#include <bits/stdc++.h>
using namespace std;

int n;
int d[16][16];
bool visited[16];
int best = INT_MAX;

// Try every tour that starts at city 0.
void go(int city, int count, int cost) {
    if (count == n) {
        best = min(best, cost + d[city][0]);
        return;
    }
    for (int next = 0; next < n; next++) {
        if (visited[next]) continue;
        visited[next] = true;
        go(next, count + 1, cost + d[city][next]);
        visited[next] = false;
    }
}

int main() {
    scanf("%d", &n);
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++) scanf("%d", &d[i][j]);
    visited[0] = true;
    go(0, 1, 0);
    printf("%d\n", best);
    return 0;
}
