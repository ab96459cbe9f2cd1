#include <algorithm>
#include <cstdio>
#include <vector>
using namespace std;

int main() {
    int n, q;
    scanf("%d %d", &n, &q);
    vector<int> a(n);
    for (auto &x : a) scanf("%d", &x);
    while (q--) {
        int x;
        scanf("%d", &x);
        printf("%d\n", (int)count(a.begin(), a.end(), x));
    }
    return 0;
}
