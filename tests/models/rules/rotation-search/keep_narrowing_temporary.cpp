#include <deque>
#include <iostream>
using namespace std;

int main() {
    deque<int> a = {300, 1, 2}, b = {2, 300, 1};
    int cnt = 0;
    while (a != b) {
        char x = a.back();  // 300 does not survive the trip through a char
        a.pop_back();
        a.push_front(x);
        if (cnt >= 100) break;
        cnt++;
    }
    cout << (a == b) << "\n";
}
