#include <bits/stdc++.h>
using namespace std;

int parent_[100005];

int find(int x) {
    while (parent_[x] != x) x = parent_[x] = parent_[parent_[x]];
    return x;
}

int main() {
    int t;
    scanf("%d", &t);
    while (t--) {
        int n, m;
        scanf("%d %d", &n, &m);
        for (int i = 1; i <= n; i++) parent_[i] = i;
        int comps = n;
        for (int i = 0; i < m; i++) {
            int a, b;
            scanf("%d %d", &a, &b);
            a = find(a), b = find(b);
            if (a != b) parent_[a] = b, comps--;
        }
        printf("%d\n", comps);
    }
}
