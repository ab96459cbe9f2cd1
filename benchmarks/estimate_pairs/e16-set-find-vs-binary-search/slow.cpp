#include <bits/stdc++.h>
using namespace std;

int main() {
    int n, q; scanf("%d %d", &n, &q); set<int> s;
    for (int i = 0; i < n; i++) { int x; scanf("%d", &x); s.insert(x); }
    int hits = 0; for (int i = 0; i < q; i++) { int x; scanf("%d", &x); hits += s.count(x); }
    printf("%d\n", hits);
}
