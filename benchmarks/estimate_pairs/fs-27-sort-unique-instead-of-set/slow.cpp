#include <iostream>
#include <set>
using namespace std;

int main() {
    ios::sync_with_stdio(false);
    cin.tie(nullptr);
    int n;
    cin >> n;
    set<int> distinct;
    for (int i = 0; i < n; i++) {
        int x;
        cin >> x;
        distinct.insert(x);
    }
    cout << distinct.size() << '\n';
    for (int x : distinct) cout << x << ' ';
    cout << '\n';
    return 0;
}
