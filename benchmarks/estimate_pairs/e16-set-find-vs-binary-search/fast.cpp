#include <bits/stdc++.h>
using namespace std;

int main() {
    int n, q; scanf("%d %d", &n, &q); vector<int> v(n); for (auto &x : v) scanf("%d", &x);
    sort(v.begin(), v.end());
    int hits = 0; for (int i = 0; i < q; i++) { int x; scanf("%d", &x); hits += binary_search(v.begin(), v.end(), x); }
    printf("%d\n", hits);
}
