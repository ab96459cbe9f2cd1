#include <bits/stdc++.h>
using namespace std;

int main() {
    int a, b;
    char op;
    while (cin >> a >> op >> b && op != '?') {
        if (op == '+') cout << a + b << endl;
        else if (op == '-') cout << a - b << endl;
        else cout << (b != 0 && a % b == 0) << endl;
    }
    vector<int> v = {3, 1, 2};
    sort(v.begin(), v.end());
    cout << v[0] << v[1] << v[2] << "\n";
}
