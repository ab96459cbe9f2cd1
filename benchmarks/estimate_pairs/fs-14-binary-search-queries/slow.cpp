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
        int at_most = 0;
        for (int v : a)
            if (v <= x) at_most++;
        printf("%d\n", at_most);
    }
    return 0;
}
